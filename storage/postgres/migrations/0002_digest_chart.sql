-- 0002 (SQLite's 0005): a chat may have its daily digest followed by the week's chart (off by default).
ALTER TABLE chats ADD COLUMN digest_chart boolean NOT NULL DEFAULT false;
