package main

// The zone database is compiled in because GUICHET_TIMEZONE (Europe/Paris
// by default) dates every mail, page and digest, and the hosts this binary
// runs on need not have one: the container image is built FROM scratch
// with no /usr/share/zoneinfo, and minimal systems leave tzdata out. Go
// reads the system's database first and falls back to this copy (about
// 450 KB). See time/tzdata.
import _ "time/tzdata"
