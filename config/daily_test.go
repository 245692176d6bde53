package config

import (
	"testing"
	"time"
)

func TestParseDailyTime(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want string
		bad  bool
	}{
		{"08:00", "08:00", false}, {"8:05", "08:05", false}, {" 23:59 ", "23:59", false},
		{"off", "off", false}, {"OFF", "off", false},
		{"24:00", "", true}, {"8h", "", true}, {"08:60", "", true},
	} {
		d, err := ParseDailyTime(tt.in)
		if (err != nil) != tt.bad {
			t.Errorf("ParseDailyTime(%q) error = %v, want error %v", tt.in, err, tt.bad)
			continue
		}
		if !tt.bad && d.String() != tt.want {
			t.Errorf("ParseDailyTime(%q) = %s, want %s", tt.in, d, tt.want)
		}
	}
}

func TestDailyTimeNextAcrossDST(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	d := DailyTime{Hour: 8, Set: true}
	for _, tt := range []struct{ now, want string }{
		{"2026-03-28T07:00:00Z", "2026-03-29T06:00:00Z"}, // the time itself: the next day's
		{"2026-03-28T06:59:00Z", "2026-03-28T07:00:00Z"},
		{"2026-03-28T09:00:00Z", "2026-03-29T06:00:00Z"}, // summer time begins on the 29th
	} {
		now, _ := time.Parse(time.RFC3339, tt.now)
		want, _ := time.Parse(time.RFC3339, tt.want)
		if got := d.Next(now, paris); !got.Equal(want) {
			t.Errorf("Next(%s) = %s, want %s", now, got.UTC(), want)
		}
	}
}
