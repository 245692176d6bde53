package store

import (
	"context"
	"time"
)

// IMAP polling: the lease that lets one process poll a mailbox at a time,
// and the last UID stored per mailbox.

var (
	// acquireLease inserts the lease, or takes it over when it expired or
	// is ours already, in one atomic statement: no row back means another
	// holder still has it.
	acquireLease = portable(`
INSERT INTO leases (name, holder, until) VALUES ($1, $2, $4)
ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until
WHERE leases.until < $3 OR leases.holder = excluded.holder
RETURNING holder`)
	releaseLease    = portable(`DELETE FROM leases WHERE name = $1 AND holder = $2`)
	mailboxState    = portable(`SELECT uid_validity, last_uid FROM mailbox_state WHERE mailbox = $1`)
	setMailboxState = portable(`
INSERT INTO mailbox_state (mailbox, uid_validity, last_uid) VALUES ($1, $2, $3)
ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`)
)

func (s *core) AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error) {
	var got string
	err := s.write.queryRow(ctx, acquireLease, clean(name), clean(holder), ts(now), ts(now.Add(ttl))).Scan(&got)
	if noRow(err) {
		return false, nil
	}
	if err != nil {
		return false, wrap("store: acquire lease", err)
	}
	return true, nil
}

func (s *core) ReleaseLease(ctx context.Context, name, holder string) error {
	_, err := s.write.exec(ctx, releaseLease, name, holder)
	return wrap("store: release lease", err)
}

func (s *core) MailboxState(ctx context.Context, mailbox string) (uint32, uint32, error) {
	var v, last int64
	if err := s.read.queryRow(ctx, mailboxState, mailbox).Scan(&v, &last); err != nil {
		return 0, 0, wrap("store: mailbox state "+mailbox, err)
	}
	return uint32(v), uint32(last), nil
}

func (s *core) SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error {
	_, err := s.write.exec(ctx, setMailboxState, clean(mailbox), int64(uidValidity), int64(lastUID))
	return wrap("store: set mailbox state", err)
}
