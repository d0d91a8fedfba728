-- 0005: a chat may have its daily digest followed by the week's chart (off by default).
ALTER TABLE chats ADD COLUMN digest_chart INTEGER NOT NULL DEFAULT 0;
