// Package testnet holds network helpers for tests that start servers of
// their own (Dovecot, Postfix).
package testnet

import (
	"net"
	"testing"
)

// FreePort is a loopback TCP port free at the time of the call, for a
// server that takes its port from a configuration file rather than a
// listener: tests run in parallel, so no port is fixed.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
