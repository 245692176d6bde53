package outbound

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"guichet/store"
	"guichet/templates"
)

// ms is the time ms milliseconds after the Unix epoch.
func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

// TestTimeID: fixed-width base-32 digits of the milliseconds, the width
// kept at both ends of the range, and the order of the times kept by the
// strings, across carries of one digit and of several.
func TestTimeID(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"epoch", ms(0), "0000000000"},
		{"one digit full", ms(31), "000000000v"},
		{"one digit carries", ms(32), "0000000010"},
		{"two digits full", ms(1023), "00000000vv"},
		{"two digits carry", ms(1024), "0000000100"},
		{"seven digits full", ms(1<<35 - 1), "000vvvvvvv"},
		{"seven digits carry", ms(1 << 35), "0010000000"},
		{"a second ends", fixedNow.Add(-time.Millisecond), "01k8bi48rn"},
		{"fixedNow", fixedNow, "01k8bi48ro"},
		{"a millisecond later", fixedNow.Add(time.Millisecond), "01k8bi48rp"},
		{"largest", ms(1<<48 - 1), "7vvvvvvvvv"},
		{"past 48 bits", ms(1 << 48), "7vvvvvvvvv"},
		{"before 1970", ms(-1), "0000000000"},
		{"zero time", time.Time{}, "0000000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := timeID(tc.at); got != tc.want || len(got) != timeIDLen {
				t.Errorf("timeID(%v) = %q, want %q", tc.at, got, tc.want)
			}
		})
	}

	// Increasing times, chosen where digits carry: each id sorts after the
	// one before, whatever its random part.
	times := []time.Time{ms(0), ms(1), ms(31), ms(32), ms(33), ms(1023), ms(1024), ms(1<<35 - 1), ms(1 << 35),
		fixedNow.Add(-time.Millisecond), fixedNow, fixedNow.Add(time.Millisecond), fixedNow.Add(time.Second),
		fixedNow.AddDate(100, 0, 0), ms(1<<48 - 1)}
	for i := 1; i < len(times); i++ {
		for range 20 {
			prev, next := newMessageID("", "h", times[i-1]), newMessageID("", "h", times[i])
			if prev >= next {
				t.Fatalf("%v → %s is not before %v → %s", times[i-1], prev, times[i], next)
			}
		}
	}
}

// TestNewMessageID: what newMessageID returns is an RFC 5322 msg-id that
// keeps its prefix, ids of the same millisecond differ, and ids of
// successive milliseconds sort in their order.
func TestNewMessageID(t *testing.T) {
	const host = "aide.example.org"
	for _, tc := range []struct {
		name, prefix string
		public       bool // kept in the References of an answer to the requester
	}{
		{"no prefix", "", true},
		{"agents only", notificationIDPrefix, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shape := regexp.MustCompile(`^<` + regexp.QuoteMeta(tc.prefix) + `[0-9a-v]{10}\.[0-9a-v]{16}@` + regexp.QuoteMeta(host) + `>$`)
			id := newMessageID(tc.prefix, host, fixedNow)
			if !shape.MatchString(id) || !validMsgID(id) {
				t.Fatalf("id %q is not <%sTIME.RANDOM@%s>", id, tc.prefix, host)
			}
			checkMsgID(t, id)
			if public := len(publicThread([]string{id})) == 1; public != tc.public {
				t.Errorf("publicThread keeps %s: %v, want %v", id, public, tc.public)
			}

			// Many ids in one millisecond: all different.
			seen := map[string]bool{}
			for range 10000 {
				id := newMessageID(tc.prefix, host, fixedNow)
				if seen[id] {
					t.Fatalf("%s given twice", id)
				}
				seen[id] = true
			}

			// A few ids in each of successive milliseconds that cross
			// carries: the last of one millisecond sorts before the first
			// of the next.
			var last string
			for at := fixedNow.Add(-40 * time.Millisecond); at.Before(fixedNow.Add(40 * time.Millisecond)); at = at.Add(time.Millisecond) {
				var lo, hi string
				for range 5 {
					id := newMessageID(tc.prefix, host, at)
					if lo == "" || id < lo {
						lo = id
					}
					hi = max(hi, id)
				}
				if last >= lo {
					t.Fatalf("at %v: %s sorts after %s, an id of the millisecond before", at, lo, last)
				}
				last = hi
			}
		})
	}
}

// checkMsgID fails unless a mail parser reads id back from a Message-ID
// field as the msg-id it is.
func checkMsgID(t *testing.T, id string) {
	t.Helper()
	var h gomail.Header
	h.Set("Message-Id", id)
	got, err := h.MessageID()
	if err != nil || "<"+got+">" != id {
		t.Errorf("Message-ID %s reads back as %q, %v", id, got, err)
	}
}

// TestMessageIDsUseTheClock: each kind of mail takes its Message-ID's time
// from the clock its writer was given, and is stored with that Message-ID
// as its dedupe key.
func TestMessageIDsUseTheClock(t *testing.T) {
	ctx := context.Background()
	want := timeID(fixedNow)
	for _, tc := range []struct {
		name, prefix string
		send         func(t *testing.T, tx *fakeTx)
	}{
		{"acknowledgment", "", func(t *testing.T, tx *fakeTx) {
			a, _ := newTestAcker(t, nil)
			acknowledge(t, a, tx, ticket("1.7"), request)
		}},
		{"notification", notificationIDPrefix, func(t *testing.T, tx *fakeTx) {
			m, _ := newTestMailer(t)
			if q, err := m.Notify(ctx, tx, ticket("2.2"), Notification{Event: templates.EventNew, To: []string{"agent@centre.example"}, Subject: "Imprimante"}); !q || err != nil {
				t.Fatalf("Notify = %v, %v", q, err)
			}
		}},
		{"answer", "", func(t *testing.T, tx *fakeTx) {
			m, _ := newTestMailer(t)
			if q, err := m.Answer(ctx, tx, ticket("2.2"), Answer{To: []string{"awa.diop@example.org"}, Text: "Fait."}); !q || err != nil {
				t.Fatalf("Answer = %v, %v", q, err)
			}
		}},
		{"digest", notificationIDPrefix, func(t *testing.T, tx *fakeTx) {
			m, _ := newTestMailer(t)
			if q, err := m.Digest(ctx, tx, DigestAgent{Address: "agent@centre.example"}, []store.Ticket{ticket("2.2")}, nil); !q || err != nil {
				t.Fatalf("Digest = %v, %v", q, err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tx := &fakeTx{}
			tc.send(t, tx)
			if len(tx.queued) != 1 {
				t.Fatalf("queued %d, want 1", len(tx.queued))
			}
			id := tx.queued[0].MessageID
			if !strings.HasPrefix(id, "<"+tc.prefix+want+".") {
				t.Errorf("Message-ID %s, want it to start with <%s%s.", id, tc.prefix, want)
			}
			checkMsgID(t, id)
			for _, m := range tx.inserted {
				if m.MessageID != id || m.DedupeKey != id {
					t.Errorf("stored with Message-ID %s and dedupe key %s, queued with %s", m.MessageID, m.DedupeKey, id)
				}
			}
		})
	}
}
