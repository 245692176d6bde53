package alerts

import "time"

// Incident is what is known of the newest incident of a key.
type Incident struct {
	Found bool
	// Resolved: the incident is resolved or closed; Since is when (its
	// last change).
	Resolved bool
	Since    time.Time
}

// Decision is what an alert does to its incident. The zero Decision
// (neither Open nor Join) leaves the mail stored without a ticket.
type Decision struct {
	// Open: open a new incident ticket (nothing open or recent for the key).
	Open bool
	// Join: add the mail to the existing incident's ticket.
	Join bool
	// Repeat: count the mail as one more repeat of the incident.
	Repeat bool
	// Reopen: set the joined incident open again (a problem soon after a
	// recovery: flapping stays on one ticket).
	Reopen bool
	// Resolve: set the incident resolved (a recovery).
	Resolve bool
	// Notify: agents should hear of it, within the renotify limit.
	Notify bool
}

// Decide says what an alert of state st does to the newest incident of
// its key at now. A resolved incident is reopened by a problem arriving
// within reopenWithin of its resolution; later, a problem opens a new one.
func Decide(st State, inc Incident, now time.Time, reopenWithin time.Duration) Decision {
	recent := inc.Found && (!inc.Resolved || now.Sub(inc.Since) <= reopenWithin)
	if !recent {
		switch st {
		case Acknowledgement:
			// Nothing to acknowledge (Zabbix's update mail names no host,
			// so it cannot find its problem): the mail is kept, unticketed.
			return Decision{}
		case Recovery:
			// A lone recovery is recorded as an incident already resolved;
			// agents need not hear of it.
			return Decision{Open: true, Resolve: true}
		}
		return Decision{Open: true, Notify: true}
	}
	d := Decision{Join: true}
	switch st {
	case Problem:
		d.Repeat, d.Notify = true, true
		d.Reopen = inc.Resolved
	case Unknown:
		d.Repeat = !inc.Resolved
	case Recovery:
		d.Resolve = !inc.Resolved
	case Acknowledgement:
	}
	return d
}
