package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

type loadConfig struct {
	Addr, To, From, Helo string
	Conns, Messages      int
	Duration, Timeout    time.Duration
	Size                 int
	RunID                string
}

// report is what one run measured.
type report struct {
	Accepted   int            // messages answered 2xx at the end of DATA
	Replies    map[string]int // non-2xx replies, by "code stage" ("451 MAIL", "552 DATA")
	ConnErrors int            // connections that failed (dial, greeting, I/O)
	Bytes      int64          // message bytes accepted
	Elapsed    time.Duration
	Latencies  []time.Duration // end of DATA to the reply, accepted messages only
}

func (r *report) rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Accepted) / r.Elapsed.Seconds()
}

// percentile returns the p-th percentile (0 < p ≤ 100) of sorted, by the
// nearest-rank method.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted))+0.999999) - 1
	rank = max(0, min(rank, len(sorted)-1))
	return sorted[rank]
}

func (r *report) print(w io.Writer, cfg loadConfig) {
	avg := 0
	if r.Accepted > 0 {
		avg = int(r.Bytes / int64(r.Accepted))
	}
	fmt.Fprintf(w, "target %s, %d connections, run %s\n", cfg.Addr, cfg.Conns, cfg.RunID)
	fmt.Fprintf(w, "accepted %d messages (avg %d bytes) in %.2f s: %.0f msg/s\n",
		r.Accepted, avg, r.Elapsed.Seconds(), r.rate())
	fmt.Fprintf(w, "accept latency (end of DATA to reply): p50 %s  p95 %s  p99 %s  max %s\n",
		fmtDur(percentile(r.Latencies, 50)), fmtDur(percentile(r.Latencies, 95)),
		fmtDur(percentile(r.Latencies, 99)), fmtDur(percentile(r.Latencies, 100)))
	non2xx := 0
	for _, n := range r.Replies {
		non2xx += n
	}
	fmt.Fprintf(w, "non-2xx replies: %d", non2xx)
	for _, k := range slices.Sorted(maps.Keys(r.Replies)) {
		fmt.Fprintf(w, "  [%s: %d]", k, r.Replies[k])
	}
	fmt.Fprintf(w, "\nconnection errors: %d\n", r.ConnErrors)
}

func fmtDur(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

// runLoad sends messages over cfg.Conns connections until cfg.Messages are
// sent (accepted or refused), cfg.Duration has passed or ctx is done.
func runLoad(ctx context.Context, cfg loadConfig) (*report, error) {
	if cfg.Duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, cfg.Duration)
		defer cancel()
	}
	var budget atomic.Int64 // messages left to start; negative: no limit
	budget.Store(int64(cfg.Messages))
	if cfg.Messages <= 0 {
		budget.Store(-1)
	}
	take := func() bool {
		for {
			b := budget.Load()
			if b < 0 {
				return true
			}
			if b == 0 {
				return false
			}
			if budget.CompareAndSwap(b, b-1) {
				return true
			}
		}
	}

	results := make([]*report, cfg.Conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range cfg.Conns {
		results[i] = &report{Replies: map[string]int{}}
		wg.Go(func() { worker(ctx, cfg, i, take, results[i]) })
	}
	wg.Wait()

	total := &report{Replies: map[string]int{}, Elapsed: time.Since(start)}
	for _, r := range results {
		total.Accepted += r.Accepted
		total.ConnErrors += r.ConnErrors
		total.Bytes += r.Bytes
		total.Latencies = append(total.Latencies, r.Latencies...)
		for k, v := range r.Replies {
			total.Replies[k] += v
		}
	}
	sort.Slice(total.Latencies, func(i, j int) bool { return total.Latencies[i] < total.Latencies[j] })
	if total.Accepted == 0 && total.ConnErrors > 0 && len(total.Replies) == 0 {
		return total, fmt.Errorf("no message sent to %s: every connection failed", cfg.Addr)
	}
	return total, nil
}

// worker keeps one SMTP connection busy, reconnecting after I/O errors
// (with a short pause, so that a server that is down is not hammered).
func worker(ctx context.Context, cfg loadConfig, id int, take func() bool, rep *report) {
	gen := newMessageGen(cfg.RunID, cfg.To, cfg.Size, uint64(id)+1)
	var c *smtp.Client
	defer func() {
		if c != nil {
			_ = c.Quit()
		}
	}()
	n := 0
	for ctx.Err() == nil && take() {
		if c == nil {
			var err error
			if c, err = connect(ctx, cfg); err != nil {
				rep.ConnErrors++
				c = nil
				select {
				case <-ctx.Done():
				case <-time.After(100 * time.Millisecond):
				}
				continue
			}
		}
		msg := gen.next(id, n, time.Now())
		n++
		lat, stage, err := sendOne(c, cfg, msg)
		var se *smtp.SMTPError
		switch {
		case err == nil:
			rep.Accepted++
			rep.Bytes += int64(len(msg))
			rep.Latencies = append(rep.Latencies, lat)
		case errors.As(err, &se):
			rep.Replies[fmt.Sprintf("%d %s", se.Code, stage)]++
			if se.Code == 421 { // the server closes the connection (RFC 5321 §3.8)
				c.Close()
				c = nil
			} else if stage != "DATA" {
				_ = c.Reset()
			}
		default:
			rep.ConnErrors++
			c.Close()
			c = nil
		}
	}
}

func connect(ctx context.Context, cfg loadConfig) (*smtp.Client, error) {
	d := net.Dialer{Timeout: cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, err
	}
	c := smtp.NewClient(conn)
	c.CommandTimeout = cfg.Timeout
	c.SubmissionTimeout = cfg.Timeout
	if err := c.Hello(cfg.Helo); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// sendOne runs one transaction. The latency is measured around the
// terminating ".": the reply to the end of DATA is what a sending MTA waits
// for before it may forget the message.
func sendOne(c *smtp.Client, cfg loadConfig, msg []byte) (time.Duration, string, error) {
	if err := c.Mail(cfg.From, &smtp.MailOptions{Size: int64(len(msg)), Body: smtp.Body8BitMIME}); err != nil {
		return 0, "MAIL", err
	}
	if err := c.Rcpt(cfg.To, nil); err != nil {
		return 0, "RCPT", err
	}
	w, err := c.Data()
	if err != nil {
		return 0, "DATA", err
	}
	if _, err := io.Copy(w, bytes.NewReader(msg)); err != nil {
		return 0, "DATA", err
	}
	t0 := time.Now()
	err = w.Close()
	return time.Since(t0), "DATA", err
}
