import { BigIntType, Entity, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Upload } from './upload.js';

/** Bytes `start`..`end` (inclusive) of an upload have been written. */
@Entity({ tableName: 'upload_chunk' })
export class UploadChunk {
  [OptionalProps]?: 'written';

  // Under the name PostgreSQL gave the foreign key that migration core-0004 declared inline.
  @ManyToOne(() => Upload, { primary: true, deleteRule: 'cascade', foreignKeyName: 'upload_chunk_upload_id_fkey' })
  upload!: Upload;

  @PrimaryKey({ type: new BigIntType('number') })
  start!: number;

  @Property({ type: new BigIntType('number') })
  end!: number;

  /** False while the bytes are being written: the range is reserved, not yet there. */
  @Property({ type: 'boolean' })
  written: boolean = false;
}
