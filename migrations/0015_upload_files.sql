-- Uploads kept as files beside the database (src/shared/files/upload-store.ts): the record holds
-- the file's key ('' = the bytes are in `content`, as uploads before this migration; both empty
-- once the retention period has cleared them). New uploads leave `content` empty.
ALTER TABLE roster_imports ADD COLUMN stored_file text NOT NULL DEFAULT '';
ALTER TABLE crosscheck_inputs ADD COLUMN stored_file text NOT NULL DEFAULT '';
