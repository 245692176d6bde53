package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"guichet/outbound"
	"guichet/store"
	"guichet/view"
)

func (s *Server) apiRoutes(m *http.ServeMux) {
	m.Handle("GET /api/tickets", s.auth(s.apiList))
	m.Handle("GET /api/tickets/{number}", s.auth(s.apiShow))
	m.Handle("PATCH /api/tickets/{number}", s.auth(s.apiPatch))
	m.Handle("POST /api/tickets/{number}/messages", s.auth(s.apiPost))
	m.Handle("/api/", s.auth(func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "ressource inconnue")
	}))
}

// auth lets through requests with the configured bearer token (RFC 6750
// §2.1). Both sides are hashed first so that the comparison takes the same
// time whatever the length of what was sent.
func (s *Server) auth(next http.HandlerFunc) http.Handler {
	want := sha256.Sum256([]byte(s.o.APIToken))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		sum := sha256.Sum256([]byte(strings.TrimSpace(got)))
		if !ok || subtle.ConstantTimeCompare(sum[:], want[:]) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="guichet"`)
			apiError(w, http.StatusUnauthorized, "jeton d’accès manquant ou invalide")
			return
		}
		next(w, r)
	})
}

func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	view.JSON(w, v)
}

// storeError maps a store error once: not found is 404, anything else a
// generic 503 (logged here, never shown).
func (s *Server) storeError(w http.ResponseWriter, op string, err error) {
	if errors.Is(err, store.ErrNotFound) {
		apiError(w, http.StatusNotFound, "ticket inconnu")
		return
	}
	s.log.Error("api", "op", op, "err", err)
	if errors.Is(err, store.ErrUnavailable) {
		w.Header().Set("Retry-After", "30")
		apiError(w, http.StatusServiceUnavailable, "base de données indisponible, réessayez plus tard")
		return
	}
	apiError(w, http.StatusInternalServerError, "erreur interne")
}

func validStatus(st store.Status) bool {
	_, ok := statusLabels[st]
	return ok
}

func (s *Server) apiList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	tq := store.TicketQuery{
		Status: store.Status(q.Get("status")), Category: q.Get("category"),
		Requester: q.Get("requester"), Text: q.Get("q"),
	}
	if tq.Status != "" && !validStatus(tq.Status) {
		apiError(w, http.StatusBadRequest, "statut inconnu : open, answered, resolved ou closed")
		return
	}
	ts, err := s.o.Store.FindTickets(r.Context(), tq)
	if err != nil {
		s.storeError(w, "list", err)
		return
	}
	out := make([]view.Ticket, 0, len(ts))
	for _, t := range ts {
		out = append(out, view.FromTicket(t, s.o.Catalogue))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiShow(w http.ResponseWriter, r *http.Request) {
	d, err := s.o.Store.Ticket(r.Context(), r.PathValue("number"))
	if err != nil {
		s.storeError(w, "show", err)
		return
	}
	writeJSON(w, http.StatusOK, view.FromDetail(d, s.o.Catalogue))
}

// decode reads a small JSON object and refuses unknown fields, so that a
// typo ("statut") is an error and not a silent no-op.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		apiError(w, http.StatusBadRequest, "corps JSON invalide")
		return false
	}
	if _, err := dec.Token(); err != io.EOF {
		apiError(w, http.StatusBadRequest, "corps JSON invalide")
		return false
	}
	return true
}

// TicketPatch is a change of a ticket's fields through the API; nil
// fields stay as they are.
type TicketPatch struct {
	Agent    string  // the declared agent making it; "" when the tool names none
	Status   *string // open, answered, resolved, closed
	Category *string // a catalogue code; "" for none
	Priority *string // low, normal, high, urgent
	Assignee *string // a declared agent's address; "" unassigns
}

// nullable is a JSON string field that may be absent, null or a string:
// "assignee": null unassigns, an absent "assignee" changes nothing.
type nullable struct {
	set bool
	v   string
}

func (n *nullable) UnmarshalJSON(b []byte) error {
	n.set = true
	if string(b) == "null" {
		n.v = ""
		return nil
	}
	return json.Unmarshal(b, &n.v)
}

func (n nullable) ptr() *string {
	if !n.set {
		return nil
	}
	return &n.v
}

var priorities = map[string]bool{store.PriorityLow: true, store.PriorityNormal: true, store.PriorityHigh: true, store.PriorityUrgent: true}

// apiPatch changes a ticket by the rules of the agents' mail commands (the
// pipeline's Patch), so that a status change moves the SLA clock as
// #attente or #rouvrir would. What is refused is checked here first, so
// that the caller learns which field is wrong.
func (s *Server) apiPatch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		From     string   `json:"from"`
		Status   *string  `json:"status"`
		Category *string  `json:"category"`
		Priority *string  `json:"priority"`
		Assignee nullable `json:"assignee"`
	}
	if !decode(w, r, &req) {
		return
	}
	p := TicketPatch{
		Agent:  strings.ToLower(strings.TrimSpace(req.From)),
		Status: req.Status, Category: req.Category, Priority: req.Priority, Assignee: req.Assignee.ptr(),
	}
	if p.Assignee != nil {
		*p.Assignee = strings.ToLower(strings.TrimSpace(*p.Assignee))
	}
	if msg := s.checkPatch(p); msg != "" {
		apiError(w, http.StatusBadRequest, msg)
		return
	}
	number := r.PathValue("number")
	if err := s.o.Answerer.PatchTicket(r.Context(), number, p); err != nil {
		s.storeError(w, "patch", err)
		return
	}
	s.log.Info("ticket changed through the API", "ticket", number, "agent", p.Agent)
	s.apiShow(w, r)
}

// checkPatch says in French what is wrong with p; "" when nothing is.
func (s *Server) checkPatch(p TicketPatch) string {
	switch {
	case p.Status == nil && p.Category == nil && p.Priority == nil && p.Assignee == nil:
		return "rien à modifier : donnez status, category, priority ou assignee"
	case p.Agent != "" && !s.agents[p.Agent]:
		return "from doit être l’adresse d’un agent déclaré"
	case p.Status != nil && !validStatus(store.Status(*p.Status)):
		return "statut inconnu : open, answered, resolved ou closed"
	case p.Category != nil && *p.Category != "" && s.label(*p.Category) == "":
		return "catégorie inconnue du catalogue"
	case p.Priority != nil && !priorities[*p.Priority]:
		return "priorité inconnue : low, normal, high ou urgent"
	case p.Assignee != nil && *p.Assignee != "" && !s.agents[*p.Assignee]:
		return "assignee doit être l’adresse d’un agent déclaré, ou null"
	}
	return ""
}

// AgentMessage is an agent's answer or note posted through the API.
type AgentMessage struct {
	Ticket string // the ticket's number
	From   string // a declared agent's address, lowercased
	Note   bool   // an internal note rather than an answer to the requester
	Text   string
	// MessageID is the message's Message-ID, which the API reports.
	MessageID string
}

// Answered is what recording an AgentMessage did: the ticket it joined and
// the action ("joined" when it did).
type Answered struct {
	Ticket, Action string
}

// Answerer records an agent's API message in its ticket, and applies the
// API's changes of a ticket, by the same rules as an agent's mail (the
// ingest pipeline). An error wrapping store.ErrNotFound means there is no
// such ticket.
type Answerer interface {
	AnswerAsAgent(ctx context.Context, m AgentMessage) (Answered, error)
	PatchTicket(ctx context.Context, number string, p TicketPatch) error
}

// apiPost hands an agent's answer or note to the pipeline, so that it is
// threaded, recorded and sent out exactly like an emailed answer.
func (s *Server) apiPost(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Kind string `json:"kind"`
		From string `json:"from"`
		Text string `json:"text"`
	}
	if !decode(w, r, &req) {
		return
	}
	from := strings.ToLower(strings.TrimSpace(req.From))
	switch {
	case req.Kind != string(store.KindAgent) && req.Kind != string(store.KindNote):
		apiError(w, http.StatusBadRequest, "kind doit valoir agent ou note")
		return
	case !s.agents[from]:
		apiError(w, http.StatusBadRequest, "from doit être l’adresse d’un agent déclaré")
		return
	case strings.TrimSpace(req.Text) == "":
		apiError(w, http.StatusBadRequest, "text est vide")
		return
	}
	number := r.PathValue("number")
	msgID := outbound.NewMessageID(s.o.Hostname, s.now())
	res, err := s.o.Answerer.AnswerAsAgent(r.Context(), AgentMessage{
		Ticket: number, From: from, Note: req.Kind == string(store.KindNote), Text: req.Text, MessageID: msgID,
	})
	if err != nil {
		s.storeError(w, "post", err)
		return
	}
	if res.Ticket != number || res.Action != "joined" {
		s.log.Error("api: message did not join its ticket", "ticket", number, "action", res.Action, "got", res.Ticket)
		apiError(w, http.StatusInternalServerError, "le message n’a pas rejoint le ticket")
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"ticket": res.Ticket, "action": res.Action, "message_id": msgID})
}
