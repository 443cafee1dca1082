import { Body, Controller, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedAccount } from '../../accounts/accounts.service';
import { CurrentAccount, RequiresOrganizationHeader } from '../../auth/auth.decorators';
import { AttachmentContentService } from '../../tasks/details/attachment-content.service';
import { compoundDocument } from './jsonapi-document';
import { parseResourceId } from './jsonapi-resource.controller';
import { JsonApiController } from './jsonapi.openapi';
import { JsonApiRoutes } from './jsonapi-routes.openapi';
import { isMediaType, MEDIA_TYPE_MAX } from './jsonapi.validators';
import { attachmentsResource } from './resources/task-item.resources';
import { RequestError } from '../../common/request.errors';
import { TasksError } from '../../tasks/tasks.errors';

// RFC 8187 attr-char: what `filename*` may carry unencoded.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

/**
 * `Content-Disposition` for a stored name (RFC 6266): `filename` is an ASCII fallback for clients
 * that know no better (other characters become `_`, quotes and backslashes are escaped), and
 * `filename*` carries the exact name as percent-encoded UTF-8 (RFC 8187). Header values must be
 * Latin-1 without control characters; the name itself may hold anything.
 */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7e]/gu, '_').replace(/["\\]/g, '\\$&');
  let encoded = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded +=
      byte < 0x80 && ATTR_CHAR.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** The bytes of an attachment: stored once, shared by its copies, kept until the last one goes. */
@JsonApiController()
@RequiresOrganizationHeader()
@Controller('api/v2/attachments/:id/content')
export class JsonApiAttachmentContentController {
  constructor(private readonly contents: AttachmentContentService) {}

  @JsonApiRoutes.uploadContent()
  async put(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const content = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
    const contentType = request.headers['content-type']?.split(';')[0].trim();
    if (contentType !== undefined && !isMediaType(contentType)) {
      throw new RequestError(
        'REQUEST_UNSUPPORTED_MEDIA_TYPE',
        `Content-Type must be a media type (type/subtype) of at most ${MEDIA_TYPE_MAX} characters`,
        { meta: { header: 'Content-Type' } },
      );
    }
    const attachment = await this.contents.put(
      account.id,
      parseResourceId(id, 'attachment'),
      content,
      contentType && contentType !== 'application/octet-stream' ? contentType : undefined,
    );
    return compoundDocument({
      type: 'attachments',
      id: String(attachment.id),
      attributes: attachmentsResource.attributes(attachment),
      relationships: attachmentsResource.relationships(attachment),
    });
  }

  @JsonApiRoutes.downloadContent()
  async get(
    @CurrentAccount() account: AuthenticatedAccount,
    @Param('id') id: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { attachment, content } = await this.contents.get(account.id, parseResourceId(id, 'attachment'));
    if (!content) throw new TasksError('TASK_DETAIL_NOT_FOUND', `Attachment ${id} has no file yet`);
    await reply
      .status(200)
      // Rows written before content types were checked may hold one that is no header value.
      .header(
        'content-type',
        isMediaType(attachment.contentType) ? attachment.contentType : 'application/octet-stream',
      )
      .header('content-disposition', contentDisposition(attachment.name))
      .send(content);
  }
}
