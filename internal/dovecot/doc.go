// Package dovecot starts a private Dovecot IMAP server for tests.
//
// Start gives each test its own instance: a throwaway configuration, a
// passwd-file, Maildirs and a run directory, all under a temporary
// directory, listening on a free loopback port without TLS. The instance is
// stopped and its files removed when the test ends (t.Cleanup).
//
// Guarantees:
//   - When Dovecot is not installed, or the test does not run as root (the
//     private configuration runs mail processes as dovenull), Start skips
//     the test, unless GUICHET_TEST_REQUIRE_IMAP=1, in which case it fails:
//     CI sets it so that a missing server can never pass as a green run.
//   - Mail is put into mailboxes by an independent IMAP client (Append), so
//     the code under test sees exactly what a user's mail client would
//     leave behind.
//   - ResetUIDValidity gives a mailbox a new UIDVALIDITY (RFC 9051 section
//     2.3.1.1), the situation a poller must survive without duplicates.
package dovecot
