package ingest

import (
	"strings"
	"time"

	"guichet/alerts"
	"guichet/classify"
	"guichet/ingest/mailparse"
	"guichet/outbound"
	"guichet/sender"
	"guichet/store"
)

// delivery is one message on its way through the pipeline: what was
// decided before the transaction. Nothing changes it afterwards; each run
// of the transaction works on an attempt of its own.
type delivery struct {
	m     *mailparse.Message
	msg   store.Message // the row to insert, with the kind it starts with
	env   store.Envelope
	raw   []byte
	cat   classify.Result
	sig   signals
	alert bool
	// answersUs: its In-Reply-To or References names a message we wrote.
	answersUs bool
	// For monitoring mail: the alert read once, before the transaction.
	alertInfo alerts.Alert
	alertKey  string
	// agentProof says how a declared agent's identity was proved before
	// the transaction (DKIM, trusted Authentication-Results, the API), ""
	// when it was not.
	agentProof string
	// sender is the trust verdict of its From (docs/threading.md, "Trust").
	sender sender.Result
	// loop and ackLoop are why no automatic mail may answer it (for our
	// addresses, and the acknowledger's), "" when some may: read once from
	// the message before the transaction, where every message of a group
	// would wait for them. nil: not worked out (the notifier does it).
	loop, ackLoop *string
}

// attempt is one run of a delivery's transaction: all that the run
// learns or decides, started afresh for every run.
type attempt struct {
	*delivery
	msg   store.Message // its own copy: the kind changes as threading decides
	now   time.Time
	rowID int64
	res   Result
	// proof is the agent's proof of identity, once known (agentProof, or a
	// signed reply address found in the transaction).
	proof  string
	queued bool // outbound mail was queued: wake the sender after commit
	// ack is the acknowledgment queued for the ticket it opened: handed to
	// the sender after commit (Pipeline.OnAck).
	ack      *outbound.QueuedAck
	notified bool            // agents were notified of this message
	events   []WorkflowEvent // reported after commit (Options.OnWorkflow)
}

func (d *delivery) attempt(now time.Time) *attempt {
	return &attempt{
		delivery: d, msg: d.msg, now: now, proof: d.agentProof,
		res: Result{MessageID: d.m.MessageID, ParseError: d.msg.ParseError},
	}
}

// keys name, within a batch, what the delivery creates: the works that
// refer to them wait for it.
func (d *delivery) keys() []string {
	ks := []string{d.msg.DedupeKey, d.m.MessageID}
	if d.alert {
		ks = append(ks, incidentPendingKey(d.alertKey))
	}
	return ks
}

// refs name, within a batch, what the delivery refers to: it waits for a
// work that creates one of them.
func (d *delivery) refs() []string {
	rs := append([]string{d.msg.DedupeKey}, d.sig.references...)
	if d.alert {
		rs = append(rs, incidentPendingKey(d.alertKey))
	}
	return rs
}

// incidentPendingKey names, in a batch, the incident a delivery opens.
func incidentPendingKey(key string) string { return "incident:" + key }

// incoming is what the outbound side needs to know of the message it answers.
func (d *delivery) incoming() outbound.Incoming {
	m := d.m
	in := outbound.Incoming{
		From: m.From.Addr, FromName: m.From.Name, Subject: m.Subject, MessageID: m.MessageID,
		References: m.References, MailFrom: d.env.MailFrom, Header: m.Header,
		ContentType: m.ContentType, ReportType: m.ReportType, Monitoring: d.alert,
		AnswersOurMail: d.answersUs, Body: m.Text, Loop: d.ackLoop,
	}
	if d.env.Transport != "smtp" && d.env.MailFrom == "" {
		// Only SMTP tells us the envelope sender for sure; elsewhere an
		// empty one means unknown, not the null sender.
		in.MailFrom = m.From.Addr
	}
	return in
}

// recipients are the envelope recipients, then To and Cc, lowercased.
func (d *delivery) recipients() []string {
	return append(append(append([]string{}, d.env.RcptTo...), addrs(d.m.To)...), addrs(d.m.Cc)...)
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func addrs(list []mailparse.Address) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		if a.Addr != "" {
			out = append(out, strings.ToLower(a.Addr))
		}
	}
	return out
}
