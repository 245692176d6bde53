// Package calendar does business-time arithmetic: the deadlines of
// service-level targets counted in opening hours (the workflow rules).
//
// A Calendar has opening hours per weekday (several ranges a day, or
// round the clock), is closed on the public holidays of a set (French
// ones, Easter-based ones included, computed for any year; or those of
// Alsace-Moselle; or none) and on listed days, all in one time zone.
// It does no I/O and holds no mutable state: safe for concurrent use.
//
// Guarantees:
//   - Add and Elapsed agree: Elapsed(s, Add(s, d)) == d for every d >= 0,
//     and Add is non-decreasing in d. A deadline that falls on a closing
//     time is that closing time, not the next opening.
//   - Both walk day by day over opening ranges, never minute by minute:
//     their cost grows with the number of calendar days spanned (a year
//     is a few hundred steps of integer arithmetic), not with durations.
//   - Opening hours are wall-clock times of the zone. On a day whose
//     clock jumps or falls back, a range lasts the real time between its
//     bounds (01:00-04:00 lasts 2 h on the spring change in Paris and 4 h
//     in the autumn). A bound is the first instant at which the clock
//     shows that time or later: a bound inside the skipped hour is the
//     instant of the jump (02:30 opens at 03:00), a bound inside the
//     repeated hour is its first occurrence.
//     This assumes a zone changes its offset at most once in two days, as
//     every zone has so far (Samoa's skipped day included).
//   - A calendar open round the clock ("24/7") counts real elapsed time,
//     across DST changes too, and does not close on public holidays;
//     listed closed days still close it.
//   - New refuses opening hours that open on no day, so Add always ends.
//
// Stopping the clock: business time runs only while a ticket waits for
// the centre. A caller that pauses it (the ticket waits for the
// requester) keeps the business time used so far, adding
// Elapsed(running, paused) at each pause, where running is when the clock
// last started (the ticket's creation at first); when the clock runs
// again at resumed, the deadline is Add(resumed, target-used).
package calendar
