import { CreateAccounts1763800000000 } from './migrations/1763800000000-create-accounts';
import { CreateTasks1763800100000 } from './migrations/1763800100000-create-tasks';
import { CreatePoolsAndOperations1763800200000 } from './migrations/1763800200000-create-pools-and-operations';
import { CreateTaskDetails1763800300000 } from './migrations/1763800300000-create-task-details';
import { WidenOperationDetails1763800400000 } from './migrations/1763800400000-widen-operation-details';
import { LinkTemplatesToTasks1763800500000 } from './migrations/1763800500000-link-templates-to-tasks';
import { AddReadRevisions1763800600000 } from './migrations/1763800600000-add-read-revisions';
import { WidenCrowdBodies1763800700000 } from './migrations/1763800700000-widen-crowd-bodies';
import { WidenTextColumns1763800800000 } from './migrations/1763800800000-widen-text-columns';
import { AddTokenShownAt1763800850000 } from './migrations/1763800850000-add-token-shown-at';
import { AddRequestCounts1763801300000 } from './migrations/1763801300000-add-request-counts';
import { SparseTaskOrder1763801400000 } from './migrations/1763801400000-sparse-task-order';
import { IndexOperationsByStatus1763801450000 } from './migrations/1763801450000-index-operations-by-status';
import { IndexDependenciesByReverse1763801500000 } from './migrations/1763801500000-index-dependencies-by-reverse';
import { DropDependenciesByReverseIndex1763801650000 } from './migrations/1763801650000-drop-dependencies-by-reverse-index';
import { AddServiceSecrets1763801700000 } from './migrations/1763801700000-add-service-secrets';
import { AllocateDependencyIds1763801720000 } from './migrations/1763801720000-allocate-dependency-ids';
import { DropAssigneesByAccountIndex1763801740000 } from './migrations/1763801740000-drop-assignees-by-account-index';
import { IndexClaimableOperationsByType1763801760000 } from './migrations/1763801760000-index-claimable-operations-by-type';

// Every migration, oldest first. Never edit a migration that has landed; add a new one.
export const ALL_MIGRATIONS = [
  CreateAccounts1763800000000,
  CreateTasks1763800100000,
  CreatePoolsAndOperations1763800200000,
  CreateTaskDetails1763800300000,
  WidenOperationDetails1763800400000,
  LinkTemplatesToTasks1763800500000,
  AddReadRevisions1763800600000,
  WidenCrowdBodies1763800700000,
  WidenTextColumns1763800800000,
  AddTokenShownAt1763800850000,
  AddRequestCounts1763801300000,
  SparseTaskOrder1763801400000,
  IndexOperationsByStatus1763801450000,
  IndexDependenciesByReverse1763801500000,
  DropDependenciesByReverseIndex1763801650000,
  AddServiceSecrets1763801700000,
  AllocateDependencyIds1763801720000,
  DropAssigneesByAccountIndex1763801740000,
  IndexClaimableOperationsByType1763801760000,
];
