package config

import (
	"testing"
	"time"
)

func TestParseRetention(t *testing.T) {
	now := time.Date(2026, 3, 15, 3, 30, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time // zero: off
		err  bool
	}{
		{in: "off"},
		{in: "3y", want: time.Date(2023, 3, 15, 3, 30, 0, 0, time.UTC)},
		{in: "18mo", want: time.Date(2024, 9, 15, 3, 30, 0, 0, time.UTC)},
		{in: "400d", want: now.AddDate(0, 0, -400)},
		{in: "2160h", want: now.Add(-2160 * time.Hour)},
		{in: "3 ans", err: true},
		{in: "-1y", err: true},
		{in: "0d", err: true},
	}
	for _, tt := range tests {
		r, err := ParseRetention(tt.in)
		if (err != nil) != tt.err {
			t.Errorf("ParseRetention(%q) error = %v", tt.in, err)
			continue
		}
		if tt.err {
			continue
		}
		if tt.want.IsZero() != !r.On() || (r.On() && !r.Cutoff(now).Equal(tt.want)) {
			t.Errorf("ParseRetention(%q) = %+v, cutoff %v, want %v", tt.in, r, r.Cutoff(now), tt.want)
		}
	}
}
