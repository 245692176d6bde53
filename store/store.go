package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors. Callers test them with errors.Is.
var (
	// ErrNotFound: the row asked for does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrDuplicate: a message with the same dedupe key is already stored.
	ErrDuplicate = errors.New("store: duplicate message")
	// ErrUnavailable: the database cannot be reached or refused the work for a
	// reason that may pass (connection refused, shutting down, serialization
	// failure). Edges map it to a temporary failure: SMTP 451, exit 75.
	ErrUnavailable = errors.New("store: database unavailable")
	// ErrSkip: a TxFunc of a batch returns an error wrapping ErrSkip when it
	// wrote nothing and wants to be left out; the batch goes on without a
	// rollback, and the error is the fn's result.
	ErrSkip = errors.New("store: skipped")
)

// Status of a ticket (docs/threading.md, "Tickets").
type Status string

const (
	StatusOpen     Status = "open"
	StatusAnswered Status = "answered"
	StatusResolved Status = "resolved"
	StatusClosed   Status = "closed"
)

// Kind of a message (docs/json.md).
type Kind string

const (
	KindRequest      Kind = "request"
	KindReply        Kind = "reply"
	KindAgent        Kind = "agent"
	KindNote         Kind = "note"
	KindAlert        Kind = "alert"
	KindAck          Kind = "ack"
	KindNotification Kind = "notification"
)

// Direction of a message.
type Direction string

const (
	DirIn  Direction = "in"
	DirOut Direction = "out"
)

// Outbox states (docs/json.md, outbox).
type OutState string

const (
	OutQueued   OutState = "queued"
	OutSent     OutState = "sent"
	OutRetrying OutState = "retrying"
	OutFailed   OutState = "failed"
)

// Ticket is one help-desk request and its state.
type Ticket struct {
	ID             int64
	Number         string
	Subject        string
	Status         Status
	Category       string
	CategorySource string // "tag", "inferred", "rule", "agent" or "" (docs/threading.md, "Categories")
	Confidence     float64
	Requester      string
	LinkedTo       string // number of the ticket this one referred to without joining it
	NoAckReason    string // why no acknowledgment went out, "" when one did
	IncidentKey    string // correlation key of a monitoring alert's incident, "" otherwise
	Repeats        int
	Participants   []string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	Workflow
}

// Attachment of a message; content is stored once per SHA256.
type Attachment struct {
	Filename    string
	ContentType string
	ContentID   string
	Inline      bool
	Size        int64
	SHA256      string // hex
	Data        []byte // content; only set when writing or when asked for
}

// Envelope is what the transport knew about a message besides its bytes.
type Envelope struct {
	Transport  string   `json:"transport"` // "smtp", "imap", "pipe", "relay"
	MailFrom   string   `json:"mail_from"`
	RcptTo     []string `json:"rcpt_to"`
	ClientAddr string   `json:"client_addr,omitempty"`
	Helo       string   `json:"helo,omitempty"`
	TLS        bool     `json:"tls,omitempty"`
	Mailbox    string   `json:"mailbox,omitempty"`
}

// Message is one mail, in or out, attached to a ticket or not (a message
// without a usable sender is stored without a ticket).
type Message struct {
	ID       int64
	TicketID int64 // 0: not attached to any ticket
	// TicketNumber is filled on reads (MessageByDedupeKey, Ticket, Unticketed).
	TicketNumber string
	Direction    Direction
	Kind         Kind
	From         string
	FromName     string
	To           []string
	Cc           []string
	Subject      string
	MessageID    string // with angle brackets, as in the header; "" when absent
	InReplyTo    string
	References   []string
	Date         time.Time
	Text         string // the new text: quotes and signatures removed
	Raw          []byte // the RFC 5322 bytes, never altered
	RawSHA256    string // hex
	ParseError   string // what went wrong while parsing, "" when nothing did
	// Sender is the trust verdict of an incoming message (docs/threading.md, "Trust":
	// "verified", "unverified", "failed"); "" for outbound mail.
	Sender string
	// SenderEvidence says briefly what the verdict rests on.
	SenderEvidence string
	Envelope       Envelope
	// DedupeKey identifies the message for idempotency: its Message-ID, or
	// "sha256:<hex of raw>" when it has none. Unique across all messages.
	DedupeKey   string
	Attachments []Attachment
	CreatedAt   time.Time
	// OpensTicket, on InsertMessage, stores the message with the id of the
	// ticket it is to open, which InsertMessage sets as TicketID, so that
	// creating that ticket (CreateTickets with NewTicket.ID = TicketID)
	// writes the message row no second time. The transaction must then
	// create that ticket or attach the message elsewhere (AttachMessage)
	// before it commits. PostgreSQL takes the id from the tickets' own
	// sequence in the insert statement, and checks the foreign key at
	// commit; SQLite ignores it (TicketID stays 0 and CreateTickets
	// attaches the message, one writer having no index churn to save).
	OpensTicket bool
}

// Origin says how a participant came to a ticket (docs/threading.md, "Trust"): only
// those that came by the opening request, a verified message or an agent
// receive agents' public answers.
type Origin string

const (
	// OriginNone: recorded before origins were; not copied on answers.
	OriginNone     Origin = ""
	OriginRequest  Origin = "request"
	OriginVerified Origin = "verified"
	OriginAgent    Origin = "agent"
)

// Participant is an address of a ticket's conversation.
type Participant struct {
	Address string
	Origin  Origin
}

// StatusChange is one entry of a ticket's status history.
type StatusChange struct {
	From   Status
	To     Status
	Reason string
	At     time.Time
}

// TicketDetail is a ticket with its whole history.
type TicketDetail struct {
	Ticket
	Messages []Message // oldest first; Raw and attachment Data not loaded
	History  []StatusChange
}

// Outbound is one message queued for delivery.
type Outbound struct {
	ID            int64
	TicketID      int64
	TicketNumber  string
	MessageRowID  int64 // the messages row that records it in the ticket's history
	MailFrom      string
	To            []string // envelope recipients
	Subject       string
	MessageID     string
	Raw           []byte
	State         OutState
	Attempts      int
	LastError     string
	NextAttemptAt time.Time
	CreatedAt     time.Time
	SentAt        time.Time
	Kind          Kind // of its history row (ack, agent…), read back; Enqueue ignores it
}

// TicketFilter selects tickets for listing.
type TicketFilter struct {
	Status   Status
	Category string
	// Assignee: only this agent's tickets; Unassigned: only tickets
	// without an assignee.
	Assignee   string
	Unassigned bool
	Team       string // only this team's tickets
	Limit      int    // 0: no limit
}

// TicketQuery selects tickets for FindTickets; empty fields select all.
type TicketQuery struct {
	Status    Status
	Category  string
	Requester string // the requester's address, in any letter case
	// Text: every word must appear, in any letter case, in the subject or
	// the text of one of the ticket's messages.
	Text  string
	Limit int // 0: no limit
}

// Stats are the counts shown by the metrics endpoint.
type Stats struct {
	Outbox map[OutState]int // outbox rows not yet sent, by state
	// Backlog counts the tickets open or answered, by priority and
	// whether they have an assignee.
	Backlog map[BacklogKey]int
}

// BacklogKey groups Stats.Backlog.
type BacklogKey struct {
	Priority string
	Assigned bool
}

// NewTicket is what CreateTickets needs for one ticket.
type NewTicket struct {
	Subject        string
	Category       string
	CategorySource string
	Confidence     float64
	Requester      string
	LinkedTo       string
	NoAckReason    string
	IncidentKey    string
	CreatedAt      time.Time
	// Participants besides the requester (the message's To/Cc), recorded in
	// the same statement.
	Participants []string
	// ID, when not 0, is the id InsertMessage reserved for this ticket
	// (Message.OpensTicket): the ticket is created with it, and its
	// message, stored with it and its final kind, is not written again.
	ID int64
	// MessageRowID, when set and ID is 0, attaches that stored message to
	// the new ticket with MessageKind, in the same call (one statement for
	// a batch's messages, as for its tickets).
	MessageRowID int64
	MessageKind  Kind
	// Workflow: the priority, team and deadlines the ticket starts with
	// (its assignee and first answer are not set at creation).
	Workflow
}

// AckSource is what composing a queued acknowledgment needs.
type AckSource struct {
	Ticket Ticket
	// First is the ticket's first incoming message, its header fields
	// only: ID, TicketID, Direction, From, FromName, Subject, MessageID,
	// References.
	First Message
}

// Sent is one delivery for MarkSent. Note, when not empty, is kept as the
// last error: what the relay refused of it (recipients it would not take).
type Sent struct {
	ID   int64
	At   time.Time
	Note string
	Kind Kind // of the message sent, for the caller's counts; not stored
}

// Tx is the work that happens inside one transaction. Every method runs in
// that transaction, so the pipeline's dedupe, threading, ticket creation and
// acknowledgment enqueue commit or roll back together.
type Tx interface {
	// InsertMessage stores a message (ticket or not) with its attachments.
	// It returns ErrDuplicate when a message with the same DedupeKey is
	// stored already, leaving the transaction usable.
	InsertMessage(ctx context.Context, m *Message) (int64, error)
	// InsertMessages stores ms in order, each as InsertMessage would, in
	// one round trip on PostgreSQL. ids[i] is ms[i]'s row, or 0 when
	// dups[i] (an ErrDuplicate: nothing written, the transaction usable).
	// Any other error stops at the message that caused it and is returned
	// as an *InsertError naming it; after any error the transaction must
	// be rolled back.
	InsertMessages(ctx context.Context, ms []*Message) (ids []int64, dups []error, err error)
	// InsertMessagesReading is InsertMessages that also reads the tickets
	// numbers name, as TicketByNumber would after the inserts, in the same
	// round trip on PostgreSQL: found[n] is n's ticket, nil when there is
	// none. Those tickets stay locked against other transactions' writes
	// until this one ends. A backend without round trips to save reads
	// nothing and returns a nil map (SQLite's transaction holds the only
	// write lock anyway).
	InsertMessagesReading(ctx context.Context, ms []*Message, numbers []string) (ids []int64, dups []error, found map[string]*Ticket, err error)
	// AttachMessage sets the ticket and kind of a stored message (threading
	// decides both after the insert that settled dedupe).
	AttachMessage(ctx context.Context, messageRowID, ticketID int64, kind Kind) error
	// MessageByDedupeKey returns the stored message (without Raw) or ErrNotFound.
	MessageByDedupeKey(ctx context.Context, key string) (Message, error)

	// CreateTickets creates tickets numbered in the order given, each with
	// the next number of its creation year, gap-free and unique across
	// processes, and records each requester as participant; in one round
	// trip per year where the backend allows.
	CreateTickets(ctx context.Context, ts []NewTicket) ([]Ticket, error)
	TicketByNumber(ctx context.Context, number string) (Ticket, error)
	// TicketByMessageIDs returns the ticket of the most recently stored
	// message whose Message-ID is one of ids, or ErrNotFound.
	TicketByMessageIDs(ctx context.Context, ids []string) (Ticket, error)
	// TicketByIncidentKey returns the newest ticket with that key, or ErrNotFound.
	TicketByIncidentKey(ctx context.Context, key string) (Ticket, error)
	// AddParticipants adds addresses to the ticket with that origin; an
	// address already there keeps its origin, unless it had none (a row
	// from before origins were recorded).
	AddParticipants(ctx context.Context, ticketID int64, addrs []string, origin Origin) error
	// RemoveParticipant takes an address off the ticket; it reports
	// whether it was there.
	RemoveParticipant(ctx context.Context, ticketID int64, addr string) (bool, error)
	// Participants lists the ticket's participants in first-seen order.
	Participants(ctx context.Context, ticketID int64) ([]Participant, error)
	SetStatus(ctx context.Context, ticketID int64, to Status, reason string, at time.Time) error
	SetCategory(ctx context.Context, ticketID int64, code, source string, confidence float64) error
	// SetWorkflow writes the ticket's priority, assignee, team, deadlines
	// and clock as w says (the caller read them with the ticket and
	// changed what its rule changes).
	SetWorkflow(ctx context.Context, ticketID int64, w Workflow) error
	// SetNoAckReasons records why no acknowledgment went out, reasons[i]
	// for ticketIDs[i], in one statement where the backend allows.
	SetNoAckReasons(ctx context.Context, ticketIDs []int64, reasons []string) error
	// BumpRepeats adds one to the ticket's repeat counter and returns it.
	BumpRepeats(ctx context.Context, ticketID int64) (int, error)
	Touch(ctx context.Context, ticketID int64, at time.Time) error

	// Enqueue queues an outbound message; it is delivered after commit.
	Enqueue(ctx context.Context, o *Outbound) (int64, error)
	// QueueAcks queues acknowledgments whose bytes are composed later, at
	// send time: outbox rows of kind ack with no Raw and no messages row
	// yet (InsertComposed adds it). They count for CountOutboundToMany at once.
	// hold, when it names an owner, leases them to that sender from the
	// start, as its claim would: the process hands them over in memory
	// after the commit, and no claim is needed. Each o.ID is set.
	QueueAcks(ctx context.Context, os []*Outbound, hold Hold) error
	// QueueAcksAtCommit is QueueAcks run last, with the transaction's
	// COMMIT where the backend has round trips to save (PostgreSQL: one
	// round trip for both): the rows exist, and each o.ID is set, only
	// once the transaction has committed, and no later statement of the
	// transaction sees them. Its failure fails the commit.
	QueueAcksAtCommit(ctx context.Context, os []*Outbound, hold Hold) error
	// InsertComposed records each ms[i], the bytes composed for outbox row
	// outboxIDs[i] that QueueAcks queued without them, and links the row to
	// it: on PostgreSQL, several messages without attachments
	// (acknowledgments) in one statement and their links in another,
	// otherwise one statement per message and its link, all in one round
	// trip. Each ms[i].ID is set. It returns
	// ErrNotFound when a row is unknown or linked already, ErrDuplicate as
	// InsertMessage does; on an error the transaction must be rolled back.
	InsertComposed(ctx context.Context, ms []*Message, outboxIDs []int64) error
	// InsertOutbound records m (an outbound message of the ticket's
	// history) and queues o for it with o.MessageRowID = m's row, in one
	// statement where the backend allows: what every acknowledgment,
	// notification and answer costs. It returns m's row id; ErrDuplicate as
	// InsertMessage does.
	InsertOutbound(ctx context.Context, m *Message, o *Outbound) (int64, error)
	// InsertOutbounds is InsertOutbound for several messages, in one round
	// trip where the backend allows. On an error the transaction must be
	// rolled back: the statements after the failing one may have run.
	InsertOutbounds(ctx context.Context, ms []*Message, os []*Outbound) error
	// CountOutboundToMany counts, for each address, the messages of the
	// given kind queued since t whose first recipient it is (acknowledgment
	// rate limit); the map's keys are the addresses lowercased.
	CountOutboundToMany(ctx context.Context, addrs []string, kind Kind, since time.Time) (map[string]int, error)
	// CountAcks counts the acknowledgments queued since t to each mailbox
	// (keyed by MailboxKey: sub-addresses count as their mailbox) and to
	// each recipient domain (lowercased), in a fixed number of statements
	// (one on PostgreSQL): the acknowledgment limits. Each count stops at
	// atMost: a limit only needs to know whether it is reached, and a
	// popular domain's hour may hold thousands of rows, which a full count
	// would walk for every message.
	CountAcks(ctx context.Context, mailboxes, domains []string, since time.Time, atMost int) (AckCounts, error)
	// CountTicketsFrom counts, for each requester mailbox key (MailboxKey),
	// the tickets created since t other than those of except (the batch's
	// own new tickets): how many tickets one sender opened lately. Ticket
	// ids do not follow the commits (an id is taken when the ticket's
	// message is inserted), so no id bound tells another batch's tickets.
	CountTicketsFrom(ctx context.Context, keys []string, except []int64, since time.Time) (map[string]int, error)
	// CountRecent is CountAcks and CountTicketsFrom at once, with the same
	// results: a batch of new tickets needs both before it decides their
	// acknowledgments and notifications, and neither depends on what the
	// other decides. On PostgreSQL it costs one round trip where the two
	// cost two; a side with no key is not counted (its maps are empty).
	CountRecent(ctx context.Context, q RecentCounts) (AckCounts, map[string]int, error)
	// CreateTicketsCounting is CreateTickets, then CountRecent, in one
	// round trip on PostgreSQL where it can: a batch's finishing step. The
	// counts are asked for before the tickets exist, so every ticket must
	// have its reserved id (NewTicket.ID).
	CreateTicketsCounting(ctx context.Context, nts []NewTicket, q RecentCounts) ([]Ticket, AckCounts, map[string]int, error)
	// TakeRateSlot records that the action named key happens at now, unless
	// it already happened less than every ago: then it returns false and
	// records nothing. One row per key (web: « mes demandes » mail, at most
	// one per address per 10 minutes), decided by the row's lock; it
	// expires every after the action and is purged later.
	TakeRateSlot(ctx context.Context, key string, now time.Time, every time.Duration) (bool, error)
	// TakeRateSlots is TakeRateSlot for up to limit actions per key per
	// window (web: « mes demandes » requests per client address). A window
	// opens with the first action after the last one expired and lasts
	// every. Taking a slot also purges expired ones.
	TakeRateSlots(ctx context.Context, key string, limit int, now time.Time, every time.Duration) (bool, error)

	// DueReminders lists up to limit SLA reminder stages due at now and
	// not yet sent for the deadlines the tickets have now, soonest first;
	// on PostgreSQL their tickets rows are locked (SKIP LOCKED: another
	// node's are left to it).
	DueReminders(ctx context.Context, now time.Time, limit int) ([]Reminder, error)
	// MarkReminded records one stage as sent for deadline due (a passed
	// deadline also sets sla_breached); false when it was recorded already,
	// by this node or another: then nothing is to be sent.
	MarkReminded(ctx context.Context, ticketID int64, stage string, due, at time.Time) (bool, error)
	// CloseResolved closes up to limit resolved tickets whose last change
	// is before before, each recorded with reason at at, and returns them
	// closed. A ticket is closed by one transaction only, whichever node
	// runs it (PostgreSQL: FOR UPDATE SKIP LOCKED and a conditional
	// UPDATE).
	CloseResolved(ctx context.Context, before, at time.Time, reason string, limit int) ([]Ticket, error)
}

// AckCounts are CountAcks' counts, by mailbox key and by domain.
type AckCounts struct {
	Mailbox, Domain map[string]int
}

// RecentCounts are CountRecent's two requests.
type RecentCounts struct {
	Acks        AckCountQuery
	TicketsFrom TicketCountQuery
}

// AckCountQuery are CountAcks' arguments; without mailboxes and domains
// there is nothing to count.
type AckCountQuery struct {
	Mailboxes, Domains []string
	Since              time.Time
	AtMost             int
}

// TicketCountQuery are CountTicketsFrom's arguments; without keys there is
// nothing to count.
type TicketCountQuery struct {
	Keys   []string
	Except []int64
	Since  time.Time
}

// Empty reports a request with nothing to count.
func (q AckCountQuery) Empty() bool { return len(q.Mailboxes) == 0 && len(q.Domains) == 0 }

// Empty reports a request with nothing to count.
func (q TicketCountQuery) Empty() bool { return len(q.Keys) == 0 }

// TxFunc is one unit of work run inside a transaction.
type TxFunc func(ctx context.Context, tx Tx) error

// BatchPrelude runs first in each attempt of a batch, in its transaction,
// for the fns whose work is in it (live). When it fails because of one of
// them it returns that fn's index in live with the error, else -1.
type BatchPrelude func(ctx context.Context, tx Tx, live []int) (int, error)

// BatchFinish completes a batch: live are the indexes of the fns whose work
// is in the transaction.
type BatchFinish func(ctx context.Context, tx Tx, live []int) error

// Store is a Guichet database. Implementations: PostgreSQL (pgx) and
// embedded SQLite. Both pass storetest.Run.
type Store interface {
	// InTx runs fn in one transaction and commits when it returns nil.
	InTx(ctx context.Context, fn TxFunc) error
	// InTxCommit is InTx returning as soon as the transaction committed:
	// nothing it wrote may be acted on outside the database before
	// durable, when not nil, returned nil. durable is nil when the commit
	// was durable on return (PostgreSQL). On SQLite, while syncs of the
	// log come often, it starts none for a while (walSync.waitLazily): the
	// syncs others start, every few milliseconds under load, cover it; on
	// a quiet log it syncs at once. A commit's durability covers every
	// commit that had returned before it: one caller committing several
	// in turn waits for the last. For writes whose only consequence
	// outside the database can wait a few milliseconds: a relay's delivery.
	InTxCommit(ctx context.Context, fn TxFunc) (durable func() error, err error)
	// InTxBatchFinish runs prelude (when not nil), fns in one shared
	// transaction, then finish (when
	// not nil) in the same transaction, told which fns' work is in it
	// (their indexes), and commits once (group commit). errs[i] is fns[i]'s
	// own error: its work is not committed, the others' is. There are no
	// savepoints: a failing fn rolls the transaction back and the others
	// run again without it, so a fn may run more than once and must keep
	// no state across runs (a fn returning ErrSkip is left out without a
	// rollback). err is set when the transaction itself or finish failed;
	// then nothing was committed. A prelude's error that names a fn is that
	// fn's own: the batch runs again without it.
	InTxBatchFinish(ctx context.Context, fns []TxFunc, prelude BatchPrelude, finish BatchFinish) (errs []error, err error)
	// InTxBatchCommit is InTxBatchFinish returning as soon as the batch
	// committed, before its commit is durable: nothing it committed may be
	// acknowledged before durable, when not nil, returned nil. durable is
	// nil when the commit was durable on return (PostgreSQL). On SQLite
	// the writer's connection is free during the sync, so the caller can
	// run its next batch meanwhile (walsync.go).
	InTxBatchCommit(ctx context.Context, fns []TxFunc, prelude BatchPrelude, finish BatchFinish) (errs []error, durable func() error, err error)
	// PutContent stores the content of attachments (once per hash) in a
	// short transaction of its own, before the message that refers to it
	// is delivered in a shared one. A message's own insert still stores
	// whatever content is missing; PutContent only keeps a shared
	// transaction from inserting content that another one is inserting at
	// the same time, which makes it wait for that one's commit and, when
	// two take the same two contents in opposite orders, deadlock (two
	// serve nodes with the same signature logo). Calling it again is
	// harmless.
	PutContent(ctx context.Context, as []Attachment) error

	Tickets(ctx context.Context, f TicketFilter) ([]Ticket, error)
	// WorkQueue lists the open and answered tickets that have an assignee
	// or a team, oldest first (the agents' digest).
	WorkQueue(ctx context.Context) ([]Ticket, error)
	// FindTickets lists tickets newest first by status, category, requester
	// and words of their subject or messages (web: agents' API, « mes
	// demandes »).
	FindTickets(ctx context.Context, q TicketQuery) ([]Ticket, error)
	// Stats counts what the metrics endpoint shows, in one cheap read.
	Stats(ctx context.Context) (Stats, error)
	// Ping checks that the database answers (readiness probe).
	Ping(ctx context.Context) error
	Ticket(ctx context.Context, number string) (TicketDetail, error)
	// RawMessage returns the raw bytes of a stored message.
	RawMessage(ctx context.Context, messageRowID int64) ([]byte, error)
	// AttachmentData returns the content of an attachment by its hash.
	AttachmentData(ctx context.Context, sha256 string) ([]byte, error)
	// Unticketed lists stored messages attached to no ticket.
	Unticketed(ctx context.Context) ([]Message, error)

	// AckSources returns, for the acknowledgments queued by QueueAcks with
	// these outbox ids, what composing them needs: the ticket and its first
	// incoming message (zero when it has none). Unknown ids, and rows that
	// are not acknowledgments, are left out.
	AckSources(ctx context.Context, outboxIDs []int64) (map[int64]AckSource, error)
	// ComposedPerTx is how many composed acknowledgments one transaction
	// of InsertComposed should hold.
	ComposedPerTx() int

	// ClaimOutbound claims up to n messages due at now for delivery for the
	// given lease; a claimed message is not claimed again until the lease
	// ends (PostgreSQL: FOR UPDATE SKIP LOCKED).
	ClaimOutbound(ctx context.Context, now time.Time, n int, lease time.Duration) ([]Outbound, error)
	// MarkSent records deliveries, several in one statement. It returns
	// ErrNotFound, naming them, when some of the ids are unknown (the
	// others are recorded).
	MarkSent(ctx context.Context, sent ...Sent) error
	// MarkRetry records a temporary failure and the next attempt time,
	// MarkFailed a final one. Both apply to a pending (queued or
	// retrying) message only: ErrNotFound for any other.
	MarkRetry(ctx context.Context, id int64, lastErr string, next time.Time) error
	MarkFailed(ctx context.Context, id int64, lastErr string) error
	// Requeue puts a failed message back in the queue, due now.
	Requeue(ctx context.Context, id int64, now time.Time) error
	Outbox(ctx context.Context) ([]Outbound, error)

	// Secret returns the installation's key, generating and storing one
	// the first time.
	Secret(ctx context.Context) ([]byte, error)

	// MailboxState returns the last stored UID of an IMAP mailbox for a
	// UIDVALIDITY; (0, 0, ErrNotFound) when none is recorded.
	MailboxState(ctx context.Context, mailbox string) (uidValidity, lastUID uint32, err error)
	SetMailboxState(ctx context.Context, mailbox string, uidValidity, lastUID uint32) error

	// AcquireLease takes or renews the named lease for holder until now+ttl;
	// it returns false while another holder's lease is unexpired. One IMAP
	// mailbox is polled by one process at a time this way.
	AcquireLease(ctx context.Context, name, holder string, now time.Time, ttl time.Duration) (bool, error)
	ReleaseLease(ctx context.Context, name, holder string) error

	// ClaimOutboundFor is ClaimOutbound on behalf of owner, a name unique to
	// one sender process: the claimed rows record it, so that owner alone
	// can extend their lease (RenewOutbound).
	ClaimOutboundFor(ctx context.Context, owner string, now time.Time, n int, lease time.Duration) ([]Outbound, error)
	// RenewOutbound extends to now+lease the lease of those ids that owner
	// still holds: claimed by it and by no other since, and neither sent,
	// retried nor failed. It returns the ids renewed; the others are no
	// longer owner's to send.
	RenewOutbound(ctx context.Context, owner string, ids []int64, now time.Time, lease time.Duration) ([]int64, error)

	Close()

	// PersonalData returns everything stored about the person whose
	// address is addr, in any letter case and with any +detail (the right
	// of access).
	PersonalData(ctx context.Context, addr string) (PersonalData, error)
	// Forget erases that person's data everywhere (the right to erasure):
	// their messages' bytes, texts and attachments, mail to them, their
	// address replaced by a pseudonym and their address and name rewritten
	// in what others' messages keep. Tickets keep their numbers,
	// categories, dates and status history. A second run finds nothing.
	Forget(ctx context.Context, addr string, e Erasure) (ErasureReport, error)
	// PurgeClosed erases the personal data of the tickets closed and not
	// updated since before (GUICHET_RETENTION): every message's bytes,
	// texts and attachments, every address pseudonymised, each ticket once.
	PurgeClosed(ctx context.Context, before time.Time, e Erasure) (ErasureReport, error)
}
