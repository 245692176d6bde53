package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"guichet/store"
	"guichet/templates"
)

// pageData is what the layout needs, with the page's own data in it.
type pageData struct {
	Title  string
	Centre string
	// Page fields (one page uses a few of them).
	Ticket  *ticketPage
	Address string
	Error   string
	Sent    bool
	// Unavailable: the « mes demandes » mail cannot be sent (no public URL).
	Unavailable bool
	Expires     string
	Tickets     []ticketPage
}

func (s *Server) page(title string, fill func(*pageData)) pageData {
	d := pageData{Title: title, Centre: s.o.CentreName}
	if fill != nil {
		fill(&d)
	}
	return d
}

type ticketPage struct {
	Number, Subject, Status, StatusLabel string
	Category, CategoryLabel              string
	Created, CreatedISO                  string
	Updated, UpdatedISO                  string
	URL                                  string
	Messages                             []messagePage
}

type messagePage struct {
	Kind, KindLabel, From, Subject, Text string
	Date, DateISO                        string
	Attachments                          []attachmentPage
}

type attachmentPage struct{ Filename, Size, URL string }

// statusLabels are the statuses in French, as requesters read them.
var statusLabels = map[store.Status]string{
	store.StatusOpen: "ouverte", store.StatusAnswered: "réponse envoyée",
	store.StatusResolved: "résolue", store.StatusClosed: "close",
}

// publicKinds are the messages a requester sees: never notes (internal),
// notifications (to agents) or alerts (monitoring internals).
var publicKinds = map[store.Kind]string{
	store.KindRequest: "Demande",
	store.KindReply:   "Message",
	store.KindAgent:   "Réponse du centre d’assistance",
	store.KindAck:     "Accusé de réception",
}

// Public reports whether message m may be shown to a requester. An agent's
// incoming message is not: it holds the agent's command lines and what the
// answer left out; the answer that went out (direction out) is shown.
func Public(m store.Message) bool {
	if _, ok := publicKinds[m.Kind]; !ok {
		return false
	}
	return !(m.Kind == store.KindAgent && m.Direction == store.DirIn)
}

// frenchDate writes "jeudi 26 novembre 2026 à 10 h 14 (heure de Paris)" in
// the configured zone: a requester may live in another one.
func (s *Server) frenchDate(t time.Time) string { return templates.LongDateZone(t, s.o.Location) }

func iso(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (s *Server) render(w http.ResponseWriter, status int, name string, d pageData) {
	var b bytes.Buffer
	if err := s.pages[name].ExecuteTemplate(&b, "layout", d); err != nil {
		s.log.Error("render page", "page", name, "err", err)
		http.Error(w, "Erreur interne", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

func (s *Server) writeNotFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusNotFound)
	w.Write(s.notFound)
}

func (s *Server) unavailable(w http.ResponseWriter, err error) {
	s.log.Error("web page", "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", "30")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, "Le service est momentanément indisponible. Veuillez réessayer dans quelques minutes.")
}

// authorized loads the ticket of the request when its token is right. The
// token signs the number alone and is checked first, in constant time: a
// wrong token never reaches the store, so a ticket that exists and one
// that does not answer alike (false, nil), in what they say and in how
// long they take.
func (s *Server) authorized(ctx context.Context, r *http.Request) (store.TicketDetail, bool, error) {
	number, token := r.PathValue("number"), r.URL.Query().Get("jeton")
	if !s.o.Tokens.Check(number, token) {
		return store.TicketDetail{}, false, nil
	}
	d, err := s.o.Store.Ticket(ctx, number)
	if errors.Is(err, store.ErrNotFound) {
		// A right token for a ticket that is gone (a signed number the
		// store never had cannot come from us).
		return store.TicketDetail{}, false, nil
	}
	if err != nil {
		return store.TicketDetail{}, false, err
	}
	return d, true, nil
}

func (s *Server) trackURL(number string) string {
	return "/suivi/" + url.PathEscape(number) + "?jeton=" + url.QueryEscape(s.o.Tokens.Token(number))
}

func (s *Server) tracking(w http.ResponseWriter, r *http.Request) {
	d, ok, err := s.authorized(r.Context(), r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if !ok {
		s.writeNotFound(w)
		return
	}
	tp := s.ticketPage(d.Ticket)
	token := url.QueryEscape(r.URL.Query().Get("jeton"))
	for _, m := range d.Messages {
		if !Public(m) {
			continue
		}
		label := publicKinds[m.Kind]
		mp := messagePage{
			Kind: string(m.Kind), KindLabel: label, Subject: m.Subject, Text: strings.TrimRight(m.Text, "\n"),
			Date: s.frenchDate(m.Date), DateISO: iso(m.Date),
		}
		switch m.Kind {
		case store.KindAgent, store.KindAck:
			// The centre answers as one: agents' own addresses are theirs.
			mp.From = s.o.CentreName
		default:
			mp.From = m.From
		}
		for _, a := range m.Attachments {
			if a.Inline && strings.HasPrefix(a.ContentType, "image/") && a.Filename == "" {
				continue // a signature logo or an inline image without a name
			}
			name := a.Filename
			if name == "" {
				name = "pièce jointe"
			}
			mp.Attachments = append(mp.Attachments, attachmentPage{
				Filename: name, Size: templates.Size(a.Size),
				URL: "/suivi/" + url.PathEscape(d.Number) + "/pj/" + url.PathEscape(a.SHA256) + "?jeton=" + token,
			})
		}
		tp.Messages = append(tp.Messages, mp)
	}
	s.render(w, http.StatusOK, "suivi", s.page("Demande n° "+d.Number, func(p *pageData) { p.Ticket = &tp }))
}

func (s *Server) ticketPage(t store.Ticket) ticketPage {
	return ticketPage{
		Number: t.Number, Subject: t.Subject, Status: string(t.Status), StatusLabel: statusLabels[t.Status],
		Category: t.Category, CategoryLabel: s.label(t.Category),
		Created: s.frenchDate(t.CreatedAt), CreatedISO: iso(t.CreatedAt),
		Updated: s.frenchDate(t.UpdatedAt), UpdatedISO: iso(t.UpdatedAt),
	}
}

// attachment serves an attachment of one of the ticket's public messages,
// always as a download (never rendered by the browser in our origin).
func (s *Server) attachment(w http.ResponseWriter, r *http.Request) {
	d, ok, err := s.authorized(r.Context(), r)
	if err != nil {
		s.unavailable(w, err)
		return
	}
	if !ok {
		s.writeNotFound(w)
		return
	}
	sum := strings.ToLower(r.PathValue("sha256"))
	var found *store.Attachment
	for _, m := range d.Messages {
		if !Public(m) {
			continue
		}
		for i := range m.Attachments {
			if m.Attachments[i].SHA256 == sum {
				found = &m.Attachments[i]
				break
			}
		}
		if found != nil {
			break
		}
	}
	if found == nil {
		s.writeNotFound(w)
		return
	}
	data, err := s.o.Store.AttachmentData(r.Context(), found.SHA256)
	if errors.Is(err, store.ErrNotFound) {
		s.writeNotFound(w)
		return
	}
	if err != nil {
		s.unavailable(w, err)
		return
	}
	ctype := "application/octet-stream"
	if mt, _, err := mime.ParseMediaType(found.ContentType); err == nil && found.ContentType != "" {
		ctype = mt
	}
	name := found.Filename
	if name == "" {
		name = "piece-jointe"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	// RFC 6266 with the RFC 5987 filename* form for non-ASCII names.
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	// Even if a browser rendered it, the content could run nothing.
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	w.Write(data)
}

func (s *Server) myRequestsForm(w http.ResponseWriter, r *http.Request) {
	if s.o.PublicURL == "" {
		s.myRequestsUnavailable(w)
		return
	}
	s.render(w, http.StatusOK, "mes-demandes", s.page("Retrouver mes demandes", nil))
}

// publicBase is the base of the links the « mes demandes » mail carries:
// the configured public URL without its trailing slash, or "" when it is
// not an absolute http(s) URL, and then the form says the service is
// unavailable. The other way, an absolute URL built from the request's Host
// when it names a served domain, was set aside: Host is the client's to
// write, so the link in our own mail would rest on what a stranger sent
// (the password-reset poisoning pattern), and behind a reverse proxy
// neither the scheme nor the port is known. New calls it once, at start-up,
// where the operator reads the warning.
func publicBase(raw string, log *slog.Logger) string {
	base := strings.TrimRight(raw, "/")
	u, err := url.Parse(base)
	if base == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		log.Warn("« mes demandes » is unavailable: set GUICHET_PUBLIC_URL to the pages' absolute address (https://…), or its mail would carry a link no one can open",
			"public_url", raw)
		return ""
	}
	return base
}

func (s *Server) myRequestsUnavailable(w http.ResponseWriter) {
	s.render(w, http.StatusServiceUnavailable, "mes-demandes", s.page("Retrouver mes demandes", func(p *pageData) {
		p.Unavailable = true
	}))
}

// maxAddress is RFC 5321 §4.5.3.1.3's limit on a path, which bounds an address.
const maxAddress = 254

// perClientHour is how many « mes demandes » requests one client address
// may make an hour (the form's text says 10), whichever addresses they
// name: the per-address slot alone lets one client walk a list of
// addresses, each getting our mail.
const perClientHour = 10

func (s *Server) myRequestsPost(w http.ResponseWriter, r *http.Request) {
	if s.o.PublicURL == "" {
		s.myRequestsUnavailable(w)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	raw := strings.TrimSpace(r.PostFormValue("adresse"))
	addr, err := mail.ParseAddress(raw)
	if err != nil || len(raw) > maxAddress || !strings.Contains(addr.Address, "@") || addr.Name != "" {
		s.render(w, http.StatusBadRequest, "mes-demandes", s.page("Retrouver mes demandes", func(p *pageData) {
			p.Address = raw
			p.Error = "Veuillez saisir une adresse électronique valide, par exemple «\u00a0prenom.nom@example.org\u00a0»."
		}))
		return
	}
	a := strings.ToLower(addr.Address)
	if err := s.sendLink(r.Context(), s.clientKey(r), a); err != nil {
		s.unavailable(w, err)
		return
	}
	// The same answer whether the address is known, unknown, was sent a
	// link a minute ago or this client asked too often: the page tells
	// nobody who writes to the centre.
	s.render(w, http.StatusOK, "mes-demandes", s.page("Retrouver mes demandes", func(p *pageData) {
		p.Address, p.Sent = a, true
	}))
}

// sendLink queues the « mes demandes » mail to addr when addr has tickets
// and was not sent one in the last MailEvery. Unknown addresses get no mail,
// so the form cannot be used to send our mail to strangers.
func (s *Server) sendLink(ctx context.Context, client, addr string) error {
	if addr == s.o.SupportAddress {
		return nil
	}
	known, err := s.o.Store.FindTickets(ctx, store.TicketQuery{Requester: addr, Limit: 1})
	if err != nil {
		return fmt.Errorf("web: tickets of a requester: %w", err)
	}
	now := s.now()
	queued := false
	err = s.o.Store.InTx(ctx, func(ctx context.Context, tx store.Tx) error {
		queued = false
		// The client's count first: a client past its limit uses up no
		// address's slot. Both are taken whether or not addr has tickets.
		ok, err := tx.TakeRateSlots(ctx, "mes-demandes-client:"+client, perClientHour, now, time.Hour)
		if err != nil || !ok {
			return err
		}
		ok, err = tx.TakeRateSlot(ctx, "mes-demandes:"+addr, now, s.o.MailEvery)
		if err != nil || !ok || len(known) == 0 {
			return err
		}
		c, err := s.composeLink(addr, now)
		if err != nil {
			return err
		}
		if _, err := tx.Enqueue(ctx, &store.Outbound{
			MailFrom: s.o.SupportAddress, To: []string{addr}, Subject: c.subject, MessageID: c.messageID,
			Raw: c.raw, State: store.OutQueued, NextAttemptAt: now, CreatedAt: now,
		}); err != nil {
			return fmt.Errorf("web: queue the link: %w", err)
		}
		queued = true
		return nil
	})
	if err != nil {
		return err
	}
	if queued {
		s.log.Info("mes-demandes link queued", "to", addr)
		if s.o.OnQueued != nil {
			s.o.OnQueued()
		}
	}
	return nil
}

func (s *Server) myRequestsList(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	addr, exp, ok := s.o.Tokens.CheckAddress(tok, s.now())
	if !ok {
		s.writeNotFound(w)
		return
	}
	ts, err := s.o.Store.FindTickets(r.Context(), store.TicketQuery{Requester: addr})
	if err != nil {
		s.unavailable(w, err)
		return
	}
	list := make([]ticketPage, 0, len(ts))
	for _, t := range ts {
		tp := s.ticketPage(t)
		tp.URL = s.trackURL(t.Number)
		list = append(list, tp)
	}
	s.render(w, http.StatusOK, "liste", s.page("Mes demandes", func(p *pageData) {
		p.Address, p.Tickets, p.Expires = addr, list, s.frenchDate(exp)
	}))
}
