import { Migration } from '@mikro-orm/migrations';

/**
 * Every role check finds a user's groups by `group_member.user_id`, the second column of the
 * table's key: without an index of its own that read the whole table (the visibility conditions,
 * the rank queries, the roles a live stream re-reads).
 */
export class GroupMemberIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql('create index "group_member_user_id_index" on "group_member" ("user_id");');
  }
}
