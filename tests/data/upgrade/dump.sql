.mode quote
.headers on
-- The columns of schema version 1 (later versions add columns).
SELECT 'customers'; SELECT * FROM customers ORDER BY id;
SELECT 'identities'; SELECT * FROM identities ORDER BY kind, value;
SELECT 'tickets'; SELECT * FROM tickets ORDER BY id;
SELECT 'messages'; SELECT * FROM messages ORDER BY id;
SELECT 'events'; SELECT id, ticket, customer, at, by, action, field, old, new, data, ext FROM events ORDER BY id;
SELECT 'surveys'; SELECT * FROM surveys ORDER BY id;
SELECT 'orders'; SELECT * FROM orders ORDER BY id;
