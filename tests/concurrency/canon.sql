-- canon.sql - the canonical dump of a store: one line per row, "section
-- TAB json", of what must not depend on the order in which concurrent
-- writers applied the records.  tests/concurrency/run sorts it, masks
-- the ids T-000042, C-000007 and M-000001 in it, and compares the dump
-- of the concurrent store with that of the sequential reference.
--
-- Ids (tickets.id, customers.id, messages.id ...) are given in the
-- order records arrive, so rows refer to each other by natural keys: a
-- ticket by "source/source_id", a customer by the least of its
-- identities ("phone:13812345678"), which names its partition.
-- Left out, because they legitimately depend on arrival order:
--  - customers' name, tier, org, attrs, created_at, updated_at: tickets
--    only fill in what is empty, CRM records replace it, and a merge
--    keeps the oldest customer's profile (csm-ingest(1), CAVEATS);
--  - merged customers and how many there are: three customers met in
--    another order are merged in two steps or in one;
--  - events without a ticket (merge, identity, profile, order and
--    survey events of customers), for the same reasons;
--  - who csm-route gave a ticket (its assignee, the new value of its
--    assignment event): round robin gives the next member to whichever
--    ticket comes next.  How many each member was given, and each
--    rotation's last, do not depend on the order (actors/route.sh adds
--    them).
--  - the levels csm-sla's sweeps recorded (events sla_warn, sla_breach,
--    sla_escalate): which levels a sweep reaches, and what their records
--    say (the ticket's priority, status, group then), depend on what was
--    ingested before it; a sweep that ran before a back-dated reply
--    arrived has recorded a breach that one sweep after all the ingest
--    does not see.  actors/sla.sh checks what holds whatever the order:
--    no level twice, none missing by the final now, every level of the
--    reference's one sweep in the store.  Its policies change no ticket
--    (no on_breach but a notify), so everything else here is as without
--    it.
-- What stays: every ticket with every column but its id, its customer as
-- a partition; every message, survey and order; every event of a ticket;
-- the partition of identities into live customers.

SELECT 'tickets', json_array(t.source, t.source_id, t.thread_id,
    (SELECT min(i.kind || ':' || i.value) FROM identities i
	WHERE i.customer = t.customer),
    t.ticket_type, t.subject, t.body, t.status, t.stage, t.priority,
    t.category, t.product, t.region, t.tags, t.grp,
    CASE WHEN EXISTS (SELECT 1 FROM events e WHERE e.ticket = t.id AND
	e.field = 'assignee' AND e.by = 'csm-route' AND e.new = t.assignee)
	THEN 'csm-route' ELSE t.assignee END, t.phone,
    t.email, t.wechat, t.name, t.tier, t.org, t.attrs, t.created_at,
    t.updated_at, t.first_response_at, t.resolved_at, t.closed_at,
    t.reopens,
    (SELECT m.source || '/' || m.source_id FROM tickets m
	WHERE m.id = t.merged_into))
FROM tickets t;

SELECT 'messages', json_array(
    (SELECT t.source || '/' || t.source_id FROM tickets t
	WHERE t.id = m.ticket),
    m.source, m.source_id, m.direction, m.author, m.body, m.at, m.public,
    m.auto, m.attrs)
FROM messages m;

SELECT 'ticket-events', json_array(
    (SELECT t.source || '/' || t.source_id FROM tickets t
	WHERE t.id = e.ticket),
    e.at, e.by, e.action, e.field, e.old,
    CASE WHEN e.by = 'csm-route' AND e.field = 'assignee' THEN 'csm-route'
	ELSE e.new END, e.data, e.ext)
FROM events e WHERE e.ticket IS NOT NULL AND e.action NOT LIKE 'sla\_%' ESCAPE '\';

SELECT 'surveys', json_array(
    (SELECT t.source || '/' || t.source_id FROM tickets t
	WHERE t.id = s.ticket),
    s.kind, s.score, s.comment, s.at, s.attrs)
FROM surveys s;

SELECT 'orders', json_array(o.order_no,
    (SELECT min(i.kind || ':' || i.value) FROM identities i
	WHERE i.customer = o.customer),
    o.product, o.purchased_at, o.warranty_until, o.attrs, o.created_at,
    o.updated_at)
FROM orders o;

SELECT 'customers', json_array(
    (SELECT group_concat(k, ' ') FROM
	(SELECT i.kind || ':' || i.value AS k FROM identities i
	    WHERE i.customer = c.id ORDER BY 1)))
FROM customers c WHERE c.merged_into IS NULL;
