// Package postfix starts a private Postfix instance for tests.
//
// Start gives each test its own instance of Debian's Postfix: a throwaway
// configuration directory (main.cf, master.cf, a texthash transport map),
// queue and data directories, all under one temporary directory, an SMTP
// listener on a free loopback port, and its log in a file (maillog_file)
// rather than syslog. The instance is stopped and its files removed when the
// test ends (t.Cleanup); the log is printed when the test failed.
//
// Guarantees:
//   - When Postfix is not installed, or the test does not run as root (the
//     master process must start as root and drop to the postfix user),
//     Start skips the test, unless GUICHET_TEST_REQUIRE_POSTFIX=1, in which
//     case it fails: CI sets it so that a missing server can never pass as
//     a green run.
//   - No mail leaves the instance: default_transport is error, only the
//     domains of the transport map are delivered.
//   - Retries happen only when the test asks (Flush): the back-off and
//     queue-run delays are hours, so that a message the test sees delivered
//     after a fix went through because of that fix.
package postfix
