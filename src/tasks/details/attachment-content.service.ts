import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Clock } from '../../common/clock';
import { Database } from '../../database/database';
import { blobContent, dropUnusedBlob, storeBlob } from './attachments.table';
import { Attachment } from './task-details.entities';
import { TaskDetailsService } from './task-details.service';

/** The bytes of attachments: stored once per account and content, shared by their copies. */
@Injectable()
export class AttachmentContentService {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly details: TaskDetailsService,
  ) {}

  /** Stores an attachment's bytes (replacing earlier ones); identical bytes share one blob. */
  put(accountId: number, id: number, content: Buffer, contentType?: string): Promise<Attachment> {
    return this.db.transaction(async (m) => {
      const attachment = await this.details.find(m, 'attachments', accountId, id);
      const sha256 = createHash('sha256').update(content).digest('hex');
      const blobId = await storeBlob(m, accountId, content, sha256, this.clock.now());
      const previous = attachment.blobId;
      await m.update(
        Attachment,
        { id, accountId },
        { blobId, size: content.length, ...(contentType ? { contentType } : {}) },
      );
      if (previous && previous !== blobId) await dropUnusedBlob(m, this.db.sql, previous);
      return this.details.find(m, 'attachments', accountId, id);
    });
  }

  /** An attachment with its bytes (null when none were uploaded yet). */
  get(accountId: number, id: number): Promise<{ attachment: Attachment; content: Buffer | null }> {
    return this.db.read(async (m) => {
      const attachment = await this.details.find(m, 'attachments', accountId, id);
      const content = attachment.blobId ? await blobContent(m, accountId, attachment.blobId) : null;
      return { attachment, content };
    });
  }
}
