package dovecot

import (
	"fmt"
	"testing"
)

func testMessage(i int) []byte {
	return fmt.Appendf(nil, "From: usager%d@exemple.fr\r\nTo: support@exemple.fr\r\nSubject: Demande %d\r\nMessage-ID: <m%d@exemple.fr>\r\n\r\nBonjour, voici la demande %d.\r\n", i, i, i, i)
}

func TestAppendAndList(t *testing.T) {
	s := Start(t, map[string]string{"support": "secret"})
	s.AppendN(t, "support", "INBOX", 3, testMessage)
	s.Append(t, "support", "Traité", testMessage(9))

	got := s.Messages(t, "support", "INBOX")
	if len(got) != 3 {
		t.Fatalf("Messages(INBOX) = %d messages, want 3", len(got))
	}
	for i, m := range got {
		if want := fmt.Sprintf("m%d@exemple.fr", i); m.MessageID != want || m.UID != uint32(i+1) || m.Seen() {
			t.Errorf("message %d = %+v, want UID %d, Message-ID %s, not seen", i, m, i+1, want)
		}
	}
	if got := s.Messages(t, "support", "Traité"); len(got) != 1 {
		t.Errorf("Messages(Traité) = %d messages, want 1", len(got))
	}
}

func TestResetUIDValidity(t *testing.T) {
	s := Start(t, map[string]string{"support": "secret"})
	s.AppendN(t, "support", "INBOX", 2, testMessage)
	before := uidValidity(t, s)
	s.ResetUIDValidity(t, "support")
	after := uidValidity(t, s)
	if before == after || after == 0 {
		t.Errorf("UIDVALIDITY after reset = %d, want a new one (was %d)", after, before)
	}
	if got := s.Messages(t, "support", "INBOX"); len(got) != 2 {
		t.Errorf("after reset: %d messages, want 2", len(got))
	}
}

func TestRestartKeepsMail(t *testing.T) {
	s := Start(t, map[string]string{"support": "secret"})
	s.Append(t, "support", "INBOX", testMessage(1))
	s.Restart(t)
	if got := s.Messages(t, "support", "INBOX"); len(got) != 1 {
		t.Errorf("after restart: %d messages, want 1", len(got))
	}
}

func uidValidity(t *testing.T, s *Server) uint32 {
	t.Helper()
	c := s.Client(t, "support")
	defer c.Logout()
	sel, err := c.Select("INBOX", nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return sel.UIDValidity
}
