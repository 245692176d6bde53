package outbound

import (
	"testing"
	"time"
)

// benchAck is an acknowledgment as the gateway composes thousands: a French
// subject with accents, a display name, a category, a tracking link.
func benchAck(b *testing.B, category string) {
	b.Helper()
	a, _ := newTestAcker(&testing.T{}, func(o *AckerOptions) {
		o.PublicURL = "https://aide.example.org"
		o.TrackToken = func(number, requester string) string { return "k3J9x_token-" + number }
		o.Location = time.FixedZone("CET", 3600)
	})
	in := Incoming{
		From: "elodie.muller@example.org", FromName: "Élodie Müller", MailFrom: "elodie.muller@example.org",
		Subject:   "Imprimante du 2ᵉ étage : bourrage répété, impossible d'imprimer les relevés",
		MessageID: "<CAF=Yd7x+2kq@mail.example.org>", References: []string{"<older@example.org>"},
	}
	tk := ticket(category)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.compose(tk, in, "elodie.muller@example.org", fixedNow, "<m7q2x@aide.example.org>"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkComposeAck(b *testing.B)                { benchAck(b, "2.2") }
func BenchmarkComposeAckWithoutCategory(b *testing.B) { benchAck(b, "") }
