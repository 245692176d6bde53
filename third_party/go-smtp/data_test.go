package smtp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/ioutil"
	"math/rand"
	"reflect"
	"strings"
	"testing"
)

// byteDataReader is dataReader as released in v0.25.1, which reads one byte
// at a time with ReadByte. The tests check that dataReader, which works on
// the buffered bytes in bulk, behaves exactly as this one does.
type byteDataReader struct {
	r     *bufio.Reader
	state int

	limited bool
	n       int64 // Maximum bytes remaining
}

func (r *byteDataReader) Read(b []byte) (n int, err error) {
	if r.limited {
		if r.n <= 0 {
			return 0, ErrDataTooLarge
		}
		if int64(len(b)) > r.n {
			b = b[0:r.n]
		}
	}

	// Code below is taken from net/textproto with only one modification to
	// not rewrite CRLF -> LF.

	// Run data through a simple state machine to
	// elide leading dots and detect End-of-Data (<CR><LF>.<CR><LF>) line.
	const (
		stateBeginLine = iota // beginning of line; initial state; must be zero
		stateDot              // read . at beginning of line
		stateDotCR            // read .\r at beginning of line
		stateCR               // read \r (possibly at end of line)
		stateData             // reading data in middle of line
		stateEOF              // reached .\r\n end marker line
	)
	for n < len(b) && r.state != stateEOF {
		var c byte
		c, err = r.r.ReadByte()
		if err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			break
		}
		switch r.state {
		case stateBeginLine:
			if c == '.' {
				r.state = stateDot
				continue
			}
			if c == '\r' {
				r.state = stateCR
				break
			}
			r.state = stateData
		case stateDot:
			if c == '\r' {
				r.state = stateDotCR
				continue
			}
			r.state = stateData
		case stateDotCR:
			if c == '\n' {
				r.state = stateEOF
				continue
			}
			r.state = stateData
		case stateCR:
			if c == '\n' {
				r.state = stateBeginLine
				break
			}
			r.state = stateData
		case stateData:
			if c == '\r' {
				r.state = stateCR
			}
		}
		b[n] = c
		n++
	}
	if err == nil && r.state == stateEOF {
		err = io.EOF
	}

	if r.limited {
		r.n -= int64(n)
	}
	return
}

// dataImpl makes a DATA reader over br, limited to maxBytes if it is
// positive, and returns it with a function that lifts the limit, as
// Conn.handleData does before it discards the rest of a message.
type dataImpl func(br *bufio.Reader, maxBytes int64) (r io.Reader, unlimit func())

func newBulkReader(br *bufio.Reader, maxBytes int64) (io.Reader, func()) {
	dr := &dataReader{r: br}
	if maxBytes > 0 {
		dr.limited = true
		dr.n = maxBytes
	}
	return dr, func() { dr.limited = false }
}

func newByteReader(br *bufio.Reader, maxBytes int64) (io.Reader, func()) {
	dr := &byteDataReader{r: br}
	if maxBytes > 0 {
		dr.limited = true
		dr.n = maxBytes
	}
	return dr, func() { dr.limited = false }
}

var errBroken = errors.New("connection broken")

// chunkReader plays a connection: it returns data in chunks of random sizes
// (and now and then nothing), then err. It logs every call.
type chunkReader struct {
	data        []byte
	rng         *rand.Rand
	maxChunk    int
	err         error // once data is used up: io.EOF, or errBroken
	errWithData bool  // err comes with the last chunk already
	log         []string
}

func (c *chunkReader) Read(p []byte) (int, error) {
	n, err := c.read(p)
	c.log = append(c.log, fmt.Sprintf("len(p)=%d n=%d err=%v", len(p), n, err))
	return n, err
}

func (c *chunkReader) read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, c.err
	}
	if c.rng.Intn(8) == 0 {
		return 0, nil
	}
	k := 1 + c.rng.Intn(c.maxChunk)
	if k > len(p) {
		k = len(p)
	}
	if k > len(c.data) {
		k = len(c.data)
	}
	n := copy(p, c.data[:k])
	c.data = c.data[n:]
	if len(c.data) == 0 && c.errWithData {
		return n, c.err
	}
	return n, nil
}

// dataCase is one run of a DATA reader: what the client sends (the message
// and whatever follows it), how it arrives and how it is read.
type dataCase struct {
	input       []byte
	bufSize     int   // of the bufio.Reader
	maxBytes    int64 // MaxMessageBytes; 0: none
	lineLimit   int   // MaxLineLength; 0: none
	chunkSeed   int64 // sizes of the connection's reads
	maxChunk    int
	finalErr    error
	errWithData bool
	readSeed    int64 // sizes of the b given to Read
	maxRead     int
	unlimitAt   int // lift the limit after this many calls to Read (as when Data returns early); 0: never
}

func (c dataCase) String() string {
	return fmt.Sprintf("input=%q bufSize=%d maxBytes=%d lineLimit=%d chunkSeed=%d maxChunk=%d "+
		"finalErr=%v errWithData=%v readSeed=%d maxRead=%d unlimitAt=%d",
		c.input, c.bufSize, c.maxBytes, c.lineLimit, c.chunkSeed, c.maxChunk,
		c.finalErr, c.errWithData, c.readSeed, c.maxRead, c.unlimitAt)
}

// randomCase draws everything but the input from rng.
func randomCase(rng *rand.Rand, input []byte) dataCase {
	c := dataCase{
		input:       input,
		bufSize:     16 + rng.Intn(64), // bufio's minimum is 16
		chunkSeed:   rng.Int63(),
		maxChunk:    1 + rng.Intn(100),
		finalErr:    io.EOF,
		errWithData: rng.Intn(2) == 0,
		readSeed:    rng.Int63(),
		maxRead:     rng.Intn(40),
	}
	if rng.Intn(4) == 0 {
		c.bufSize = 4096 // textproto's
	}
	if rng.Intn(4) == 0 {
		c.maxRead = 8192 // io.Copy's
	}
	if rng.Intn(2) == 0 {
		c.maxBytes = 1 + rng.Int63n(int64(len(input))+8)
	}
	if rng.Intn(3) == 0 {
		c.lineLimit = 1 + rng.Intn(80)
	}
	if rng.Intn(4) == 0 {
		c.finalErr = errBroken
	}
	if rng.Intn(4) == 0 {
		c.unlimitAt = 1 + rng.Intn(10)
	}
	return c
}

// dataRun is everything a DATA reader did that can be seen from outside.
type dataRun struct {
	reads   []string // each Read: n, the whole of b, err
	rest    string   // what the bufio.Reader still gives afterwards
	restErr error
	connLog []string // the reads from the connection, in order
}

// runData reads c.input with the reader impl makes, then reads what is
// left, as the next SMTP command would be.
func runData(c dataCase, impl dataImpl) dataRun {
	conn := &chunkReader{
		data:        c.input,
		rng:         rand.New(rand.NewSource(c.chunkSeed)),
		maxChunk:    c.maxChunk,
		err:         c.finalErr,
		errWithData: c.errWithData,
	}
	br := bufio.NewReaderSize(&lineLimitReader{R: conn, LineLimit: c.lineLimit}, c.bufSize)
	r, unlimit := impl(br, c.maxBytes)
	sizes := rand.New(rand.NewSource(c.readSeed))
	var run dataRun
	// Every Read with len(b) > 0 either makes progress or fails, so this
	// bound is only there to stop a broken reader.
	for calls := 1; calls <= 4*len(c.input)+100; calls++ {
		b := bytes.Repeat([]byte{'#'}, sizes.Intn(c.maxRead+1))
		n, err := r.Read(b)
		run.reads = append(run.reads, fmt.Sprintf("n=%d b=%q err=%v", n, b, err))
		if calls == c.unlimitAt {
			unlimit()
		}
		if err == ErrDataTooLarge {
			// Conn.handleData discards the rest of the message.
			unlimit()
			continue
		}
		if err != nil {
			break
		}
	}
	rest, err := ioutil.ReadAll(br)
	run.rest, run.restErr = string(rest), err
	run.connLog = conn.log
	return run
}

// checkSame fails t if the bulk reader and the byte-at-a-time one differ
// on c, and returns what the bulk reader did.
func checkSame(t *testing.T, c dataCase) dataRun {
	t.Helper()
	want := runData(c, newByteReader)
	got := runData(c, newBulkReader)
	if reflect.DeepEqual(got, want) {
		return got
	}
	for i := 0; i < len(got.reads) || i < len(want.reads); i++ {
		var g, w string
		if i < len(got.reads) {
			g = got.reads[i]
		}
		if i < len(want.reads) {
			w = want.reads[i]
		}
		if g != w {
			t.Fatalf("%v\nRead #%d:\n got  %s\n want %s", c, i+1, g, w)
		}
	}
	t.Fatalf("%v\n got  rest=%q err=%v conn=%q\n want rest=%q err=%v conn=%q", c,
		got.rest, got.restErr, got.connLog, want.rest, want.restErr, want.connLog)
	return got
}

// TestDataReader checks the bulk reader against what a DATA reader must do,
// not only against the old one.
func TestDataReader(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		maxBytes  int64
		lineLimit int
		finalErr  error
		want      string // with wantErr ErrTooLongLine, what the output starts with
		wantErr   error
		wantRest  string
	}{
		{
			name:     "plain",
			input:    "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n",
			want:     "Subject: hi\r\n\r\nbody\r\n",
			wantErr:  io.EOF,
			wantRest: "QUIT\r\n",
		},
		{
			name:     "dot-stuffing",
			input:    "..a\r\n.\rb\r\n...\r\n.\r\nMAIL FROM:<>\r\n",
			want:     ".a\r\nb\r\n..\r\n",
			wantErr:  io.EOF,
			wantRest: "MAIL FROM:<>\r\n",
		},
		{
			name:     "empty message",
			input:    ".\r\nQUIT\r\n",
			want:     "",
			wantErr:  io.EOF,
			wantRest: "QUIT\r\n",
		},
		{
			name:     "lone CR and LF are data",
			input:    "a\rb\nc\n.\r\n\r.\r\n\r\n.\r\n.\r\n",
			want:     "a\rb\nc\n.\r\n\r.\r\n\r\n",
			wantErr:  io.EOF,
			wantRest: ".\r\n",
		},
		{
			name:     "connection ends early",
			input:    "a\r\nb\r\n.",
			want:     "a\r\nb\r\n",
			wantErr:  io.ErrUnexpectedEOF,
			wantRest: "",
		},
		{
			name:     "connection breaks",
			input:    "a\r\nb",
			finalErr: errBroken,
			want:     "a\r\nb",
			wantErr:  errBroken,
			wantRest: "",
		},
		{
			name:     "too large",
			input:    "0123456789\r\n.\r\nQUIT\r\n",
			maxBytes: 5,
			want:     "01234",
			wantErr:  ErrDataTooLarge,
			wantRest: "QUIT\r\n",
		},
		{
			// As in v0.25.1: the limit is reached before the end marker
			// is read, so a message must be under MaxMessageBytes.
			name:     "exactly the limit",
			input:    "0123\r\n.\r\nQUIT\r\n",
			maxBytes: 6,
			want:     "0123\r\n",
			wantErr:  ErrDataTooLarge,
			wantRest: "QUIT\r\n",
		},
		{
			name:     "under the limit",
			input:    "0123\r\n.\r\nQUIT\r\n",
			maxBytes: 7,
			want:     "0123\r\n",
			wantErr:  io.EOF,
			wantRest: "QUIT\r\n",
		},
		{
			name:      "line too long",
			input:     "short\r\n" + strings.Repeat("x", 100) + "\r\n.\r\nQUIT\r\n",
			lineLimit: 50,
			want:      "short\r\n",
			wantErr:   ErrTooLongLine,
		},
	}
	for _, tt := range tests {
		tt := tt
		t.Run(tt.name, func(t *testing.T) {
			for _, bufSize := range []int{16, 4096} {
				for _, readSize := range []int{1, 3, 8192} {
					finalErr := tt.finalErr
					if finalErr == nil {
						finalErr = io.EOF
					}
					conn := &chunkReader{data: []byte(tt.input), rng: rand.New(rand.NewSource(1)),
						maxChunk: 7, err: finalErr}
					br := bufio.NewReaderSize(&lineLimitReader{R: conn, LineLimit: tt.lineLimit}, bufSize)
					r, unlimit := newBulkReader(br, tt.maxBytes)
					got, err := readAll(r, readSize)
					ok := string(got) == tt.want
					if tt.wantErr == ErrTooLongLine {
						// Whatever the last read before the limit brought is data.
						ok = strings.HasPrefix(string(got), tt.want) &&
							strings.Trim(string(got[len(tt.want):]), "x") == ""
					}
					if !ok || err != tt.wantErr {
						t.Fatalf("bufSize=%d readSize=%d: got %q, %v; want %q, %v",
							bufSize, readSize, got, err, tt.want, tt.wantErr)
					}
					checkSame(t, dataCase{input: []byte(tt.input), bufSize: bufSize, maxBytes: tt.maxBytes,
						lineLimit: tt.lineLimit, chunkSeed: 1, maxChunk: 7, finalErr: finalErr,
						readSeed: 1, maxRead: readSize})
					if tt.wantErr == ErrTooLongLine {
						continue // the connection is closed after this
					}
					unlimit()
					if _, err := io.Copy(ioutil.Discard, r); err != nil && err != io.ErrUnexpectedEOF && err != errBroken {
						t.Fatalf("bufSize=%d readSize=%d: discarding the rest: %v", bufSize, readSize, err)
					}
					rest, _ := ioutil.ReadAll(br)
					if string(rest) != tt.wantRest {
						t.Fatalf("bufSize=%d readSize=%d: left %q, want %q", bufSize, readSize, rest, tt.wantRest)
					}
				}
			}
		})
	}
}

// readAll reads r in calls of readSize bytes until an error, which it
// returns as is (io.EOF included).
func readAll(r io.Reader, readSize int) ([]byte, error) {
	var out []byte
	b := make([]byte, readSize)
	for {
		n, err := r.Read(b)
		out = append(out, b[:n]...)
		if err != nil {
			return out, err
		}
	}
}

// randomInput builds a stream rich in what the state machine cares about:
// dots at line starts, lone CRs and LFs, end markers, and lines longer
// than small buffers and line limits. Most streams end their message and
// go on with commands that must remain unread; some stop short.
func randomInput(rng *rand.Rand) []byte {
	pieces := []string{".", "..", "\r", "\n", "\r\n", ".\r", ".\r\n", "\r\n.\r\n", "\r\n..\r\n",
		"a", "Subject: x", "\r\r\n", ".\n", "\n.\r\n"}
	var b bytes.Buffer
	for i := rng.Intn(30); i > 0; i-- {
		if rng.Intn(10) == 0 {
			b.WriteString(strings.Repeat("y", rng.Intn(300)))
			continue
		}
		b.WriteString(pieces[rng.Intn(len(pieces))])
	}
	switch rng.Intn(4) {
	case 0: // truncated
	case 1:
		b.WriteString("\r\n.\r\n")
	default:
		b.WriteString("\r\n.\r\nQUIT\r\n")
		for i := rng.Intn(5); i > 0; i-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
	}
	return b.Bytes()
}

func TestDataReaderSameAsByteReader(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	runs := 10000
	if testing.Short() {
		runs = 1000
	}
	for i := 0; i < runs; i++ {
		checkSame(t, randomCase(rng, randomInput(rng)))
	}
}

// TestDataReaderNoProgress: a connection that keeps returning nothing
// gives bufio's io.ErrNoProgress, through both readers alike.
func TestDataReaderNoProgress(t *testing.T) {
	for _, impl := range []dataImpl{newByteReader, newBulkReader} {
		br := bufio.NewReaderSize(io.MultiReader(strings.NewReader("ab"), emptyReader{}), 16)
		r, _ := impl(br, 0)
		got, err := readAll(r, 10)
		if string(got) != "ab" || err != io.ErrNoProgress {
			t.Fatalf("got %q, %v; want %q, %v", got, err, "ab", io.ErrNoProgress)
		}
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func FuzzDataReader(f *testing.F) {
	for _, s := range []string{
		"",
		".\r\nQUIT\r\n",
		"a\r\n..b\r\n.\r\n",
		".\r.\r\n\r\n.\r\nRSET\r\n",
		"\r\r\n.\r\n\r\n.\r\n",
		"x\n.\r\n" + strings.Repeat("z", 100) + "\r\n.\r\n",
	} {
		f.Add([]byte(s), int64(len(s)))
	}
	f.Fuzz(func(t *testing.T, input []byte, seed int64) {
		checkSame(t, randomCase(rand.New(rand.NewSource(seed)), input))
	})
}

// benchMessage is a 5.6 KB message as it travels in DATA: CRLF lines of
// text, a few of them dot-stuffed, then the end marker and the next command.
func benchMessage() []byte {
	var b bytes.Buffer
	b.WriteString("Received: from client.example.org (client.example.org [192.0.2.10])\r\n" +
		"\tby mx.example.com with ESMTPS id 4f2a9c; Fri, 05 Dec 2025 09:42:00 +0000\r\n" +
		"From: Marie Dupont <marie.dupont@example.org>\r\n" +
		"To: Support <support@example.com>\r\n" +
		"Subject: Re: [#12345] Impossible de se connecter au portail\r\n" +
		"Date: Fri, 05 Dec 2025 10:41:57 +0100\r\n" +
		"Message-ID: <20251205094157.12345@client.example.org>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n\r\n")
	line := "Bonjour, je n'arrive toujours pas a me connecter au portail depuis hier soir.\r\n"
	for i := 0; b.Len() < 5600-len(line)-8; i++ {
		if i%20 == 19 {
			b.WriteString("..\r\n") // a line that was a lone dot
			continue
		}
		b.WriteString(line)
	}
	for b.Len() < 5600 {
		b.WriteByte('-')
	}
	b.WriteString("\r\n.\r\nQUIT\r\n")
	return b.Bytes()
}

// BenchmarkDataReader reads benchMessage with both readers, straight from
// memory and, as a server does, through a lineLimitReader (at go-smtp's
// default MaxLineLength), which still looks at every byte.
func BenchmarkDataReader(b *testing.B) {
	msg := benchMessage()
	for _, bc := range []struct {
		name      string
		impl      dataImpl
		lineLimit int
	}{
		{"byte", newByteReader, 0},
		{"bulk", newBulkReader, 0},
		{"byte+lineLimit", newByteReader, 2000},
		{"bulk+lineLimit", newBulkReader, 2000},
	} {
		bc := bc
		b.Run(bc.name, func(b *testing.B) {
			src := bytes.NewReader(msg)
			var conn io.Reader = src
			ll := &lineLimitReader{R: src, LineLimit: bc.lineLimit}
			if bc.lineLimit > 0 {
				conn = ll
			}
			br := bufio.NewReader(conn) // 4096 bytes, as textproto's
			buf := make([]byte, 8192)   // as io.Copy's
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				src.Reset(msg)
				ll.curLineLength = 0
				br.Reset(conn)
				r, _ := bc.impl(br, 32<<20)
				var err error
				for err == nil {
					_, err = r.Read(buf)
				}
				if err != io.EOF {
					b.Fatal(err)
				}
			}
		})
	}
}
