import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic } from './support/graphql-client.js';
import { makeUser } from './support/identities.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder({ workers: 0 });
});
afterAll(async () => {
  await t?.stop();
});

describe('users and groups', () => {
  it('are managed by admins: members show on both sides, and leaving a group shows at once', async () => {
    const [ann, ben] = await Promise.all([makeUser(t.client, 'ann'), makeUser(t.client, 'ben')]);
    const { createGroup: group } = await t.client.data(`mutation { createGroup(input: { name: "ops" }) { id } }`);
    for (const user of [ann, ben]) {
      await t.client.data(`mutation ($g: ID!, $u: ID!) { addGroupMember(groupId: $g, userId: $u) { id } }`, { g: group.id, u: user.id });
    }
    const members = `query ($g: ID!) { group(id: $g) { users { username } } users(filter: { username: { in: ["ann", "ben"] } }, orderBy: [{ field: USERNAME }]) { nodes { username groups { name } } } }`;
    expect(await t.client.data(members, { g: group.id })).toEqual({
      group: { users: [{ username: 'ann' }, { username: 'ben' }] },
      users: { nodes: [{ username: 'ann', groups: [{ name: 'ops' }] }, { username: 'ben', groups: [{ name: 'ops' }] }] },
    });
    await t.client.data(`mutation ($g: ID!, $u: ID!) { removeGroupMember(groupId: $g, userId: $u) { id } }`, { g: group.id, u: ann.id });
    expect((await t.client.data(members, { g: group.id })).group.users).toEqual([{ username: 'ben' }]);

    expect(await ann.client.errorCode(`{ users { totalCount } }`)).toBe('FORBIDDEN');
    expect(await ann.client.errorCode(`mutation { createGroup(input: { name: "mine" }) { id } }`)).toBe('FORBIDDEN');
    expect(await t.client.as(null).errorCode(`{ groups { totalCount } }`)).toBe('UNAUTHENTICATED');
  });

  it('never loses the last admin, and a deleted user is refused at once', async () => {
    const { me } = await t.client.data(`{ me { id isAdmin } }`);
    expect(me.isAdmin).toBe(true);
    expect(await t.client.errorCode(`mutation ($id: ID!) { deleteUser(id: $id) }`, { id: me.id })).toBe('CONFLICT');
    expect(await t.client.errorCode(`mutation ($id: ID!) { updateUser(id: $id, input: { isAdmin: false }) { id } }`, { id: me.id })).toBe('CONFLICT');

    const cy = await makeUser(t.client, 'cy');
    expect((await cy.client.data(`{ me { username } }`)).me).toEqual({ username: 'cy' });
    await t.client.data(`mutation ($id: ID!) { deleteUser(id: $id) }`, { id: cy.id });
    expect(await cy.client.errorCode(`{ me { username } }`)).toBe('UNAUTHENTICATED');
  });

  it('takes a new password at once: the old one is refused from the next request', async () => {
    const dee = await makeUser(t.client, 'dee');
    const old = t.client.as(basic('dee', dee.password));
    expect((await old.data(`{ me { username } }`)).me).toEqual({ username: 'dee' });
    await t.client.data(`mutation ($id: ID!) { updateUser(id: $id, input: { password: "another password" }) { id } }`, { id: dee.id });
    expect(await old.errorCode(`{ me { username } }`)).toBe('UNAUTHENTICATED');
    expect((await t.client.as(basic('dee', 'another password')).data(`{ me { username } }`)).me).toEqual({ username: 'dee' });
  });
});
