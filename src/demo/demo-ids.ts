import { createHash } from 'node:crypto';

/** The ids of the objects `npm run seed:demo` makes, by role. */
export interface DemoIds {
  accountId: number;
  todo: {
    projects: { home: number; trip: number };
    users: { ann: number; bo: number; cy: number; dee: number };
    tasks: {
      bookFlights: number;
      comparePrices: number;
      findHotel: number;
      planDays: number;
      dayOne: number;
      dayTwo: number;
      renewPassport: number;
      bookAppointment: number;
      takePhotos: number;
      fixTap: number;
      waterPlants: number;
      clearGarage: number;
      payBills: number;
    };
  };
  v2: {
    workflows: { delivery: number; support: number };
    statuses: { toDo: number; inProgress: number; done: number };
    customField: number;
    project: number;
    taskLists: { templates: number; acme: number; someday: number };
    memberships: { ann: number; bo: number };
    tasks: {
      checklist: number;
      welcomePack: number;
      welcomeLetter: number;
      kickOff: number;
      accounts: number;
    };
    todos: { contract: number; billing: number; mug: number };
    comment: number;
    attachment: number;
    dependency: number;
    template: number;
  };
  v1: {
    projects: { sidewalks: number; signs: number };
    pools: { closed: number; open: number; archived: number };
    operation: string;
  };
}

/**
 * The id of the demo's POOL.CLONE operation: derived from the account and the pool (a name-based
 * UUID, version 5 layout), so that the Swagger examples can name the one of a fresh database.
 */
export function demoOperationId(accountId: number, poolId: string): string {
  const hex = createHash('sha1').update(`cloneworks demo pool clone ${accountId}/${poolId}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What the demo's ids are when it is added to the first account of a fresh database (the account
 * made at first start), which is where every Swagger example runs unchanged: the examples name
 * these objects. `test/e2e/foundation/swagger-examples.e2e-spec.ts` checks that the seed gives
 * exactly these, and runs every example.
 */
export const DEMO: DemoIds = {
  accountId: 1,
  todo: {
    projects: { home: 1, trip: 2 },
    users: { ann: 1, bo: 2, cy: 3, dee: 4 },
    tasks: {
      bookFlights: 4,
      comparePrices: 5,
      findHotel: 7,
      planDays: 8,
      dayOne: 9,
      dayTwo: 10,
      renewPassport: 11,
      bookAppointment: 12,
      takePhotos: 13,
      fixTap: 14,
      waterPlants: 15,
      clearGarage: 16,
      payBills: 18,
    },
  },
  v2: {
    workflows: { delivery: 1, support: 2 },
    statuses: { toDo: 1, inProgress: 2, done: 3 },
    customField: 1,
    project: 3,
    taskLists: { templates: 1, acme: 2, someday: 3 },
    memberships: { ann: 1, bo: 2 },
    tasks: { checklist: 19, welcomePack: 20, welcomeLetter: 21, kickOff: 22, accounts: 23 },
    todos: { contract: 1, billing: 2, mug: 3 },
    comment: 1,
    attachment: 1,
    dependency: 1,
    template: 1,
  },
  v1: {
    projects: { sidewalks: 1, signs: 2 },
    pools: { closed: 1, open: 2, archived: 3 },
    operation: demoOperationId(1, '1'),
  },
};
