package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

const maxBodyBytes = 32 << 20

type channel struct {
	id        string
	guildID   string // empty for DMs
	recipient string // DM recipient user ID
	lastMsg   string
}

func (c *channel) object() map[string]any {
	var last any
	if c.lastMsg != "" {
		last = c.lastMsg
	}
	if c.guildID == "" {
		return map[string]any{
			"id":              c.id,
			"type":            1,
			"last_message_id": last,
			"flags":           0,
			"recipients":      []any{userObject(c.recipient, false)},
		}
	}
	return map[string]any{
		"id":                    c.id,
		"type":                  0,
		"guild_id":              c.guildID,
		"name":                  "channel-" + c.id,
		"position":              0,
		"permission_overwrites": []any{},
		"nsfw":                  false,
		"parent_id":             nil,
		"topic":                 nil,
		"rate_limit_per_user":   0,
		"last_message_id":       last,
		"flags":                 0,
	}
}

type message struct {
	channelID string
	obj       map[string]any
	deleted   bool
}

type interaction struct {
	id, token, appID  string
	channelID         string
	typ               int
	user              map[string]any
	created           time.Time
	dispatched        bool
	acked             bool
	componentMsgID    string
	originalMessageID string
}

// response is what a handler answers.
type response struct {
	status int
	body   any // JSON-encoded unless nil
	header http.Header
	echo   []echoEvent
	dedup  bool
}

type echoEvent struct {
	t string
	d map[string]any
}

func jsonResp(status int, body any) response { return response{status: status, body: body} }

func noContent() response { return response{status: http.StatusNoContent} }

var defaultErrorMessages = map[int]string{
	10003: "Unknown Channel",
	10008: "Unknown Message",
	10015: "Unknown Webhook",
	10062: "Unknown interaction",
	10063: "Unknown application command",
	40060: "Interaction has already been acknowledged.",
	50001: "Missing Access",
	50005: "Cannot edit a message authored by another user",
	50006: "Cannot send an empty message",
	50007: "Cannot send messages to this user",
	50013: "Missing Permissions",
	50035: "Invalid Form Body",
	50109: "The request body contains invalid JSON.",
}

func errResp(status, code int, msg string) response {
	if msg == "" {
		msg = defaultErrorMessages[code]
	}
	if msg == "" {
		msg = fmt.Sprintf("%d: %s", status, http.StatusText(status))
	}
	return jsonResp(status, map[string]any{"message": msg, "code": code})
}

// formError builds Discord's 400 / 50035 Invalid Form Body with the error
// nested under path (e.g. ["content"] or ["0", "name"]).
func formError(path []string, code, msg string) response {
	var errs any = map[string]any{"_errors": []any{map[string]any{"code": code, "message": msg}}}
	for i := len(path) - 1; i >= 0; i-- {
		errs = map[string]any{path[i]: errs}
	}
	return jsonResp(http.StatusBadRequest, map[string]any{
		"code": 50035, "message": "Invalid Form Body", "errors": errs,
	})
}

func faultResp(f Fault, bucket string) response {
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	if status != http.StatusTooManyRequests {
		return errResp(status, f.Code, f.Message)
	}
	msg := f.Message
	if msg == "" {
		msg = "You are being rate limited."
	}
	body := map[string]any{"message": msg, "retry_after": f.RetryAfter, "global": f.Global}
	if f.Code != 0 {
		body["code"] = f.Code
	}
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(f.RetryAfter))))
	after := strconv.FormatFloat(f.RetryAfter, 'f', 3, 64)
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		h.Set("X-RateLimit-Scope", "global")
	} else {
		reset := float64(time.Now().UnixMilli())/1000 + f.RetryAfter
		h.Set("X-RateLimit-Limit", "5")
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		h.Set("X-RateLimit-Reset-After", after)
		h.Set("X-RateLimit-Bucket", bucket)
		h.Set("X-RateLimit-Scope", "user")
	}
	return response{status: status, body: body, header: h}
}

type routeHandler func(s *Server, c *Call, p []string) response

type route struct {
	method, pattern string
	// noAuth routes do not need the bot token (interaction callbacks and
	// webhooks authenticate with the token in the path).
	noAuth bool
	h      routeHandler
}

var routes = []route{
	{"GET", "/gateway", true, (*Server).getGateway},
	{"GET", "/gateway/bot", false, (*Server).getGatewayBot},
	{"GET", "/users/@me", false, (*Server).getMe},
	{"POST", "/users/@me/channels", false, (*Server).createDM},
	{"GET", "/users/*", false, (*Server).getUser},
	{"GET", "/applications/@me", false, (*Server).getApplication},
	{"GET", "/oauth2/applications/@me", false, (*Server).getApplication},
	{"GET", "/channels/*", false, (*Server).getChannel},
	{"POST", "/channels/*/typing", false, (*Server).typing},
	{"POST", "/channels/*/messages", false, (*Server).postMessage},
	{"GET", "/channels/*/messages/*", false, (*Server).getMessage},
	{"PATCH", "/channels/*/messages/*", false, (*Server).patchMessage},
	{"DELETE", "/channels/*/messages/*", false, (*Server).deleteMessage},
	{"GET", "/applications/*/commands", false, (*Server).getCommands},
	{"PUT", "/applications/*/commands", false, (*Server).putCommands},
	{"GET", "/applications/*/guilds/*/commands", false, (*Server).getCommands},
	{"PUT", "/applications/*/guilds/*/commands", false, (*Server).putCommands},
	{"POST", "/interactions/*/*/callback", true, (*Server).interactionCallback},
	{"POST", "/webhooks/*/*", true, (*Server).webhookExecute},
	{"GET", "/webhooks/*/*/messages/*", true, (*Server).webhookGetMessage},
	{"PATCH", "/webhooks/*/*/messages/*", true, (*Server).webhookEditMessage},
	{"DELETE", "/webhooks/*/*/messages/*", true, (*Server).webhookDeleteMessage},
}

var apiPrefix = regexp.MustCompile(`^/api(?:/v(\d+))?(/.*)$`)

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) {
		s.serveGateway(w, r)
		return
	}
	m := apiPrefix.FindStringSubmatch(r.URL.Path)
	if m == nil {
		s.serveCDN(w, r)
		return
	}
	c := &Call{
		Method:  r.Method,
		Path:    m[2],
		Version: m[1],
		Query:   r.URL.Query(),
		Header:  r.Header.Clone(),
		At:      time.Now(),
	}
	resp := s.handle(c, r)

	h := w.Header()
	for k, vs := range resp.header {
		h[k] = vs
	}
	var body []byte
	if resp.body != nil {
		var err error
		body, err = json.Marshal(resp.body)
		if err != nil {
			panic("discordtest: encoding response: " + err.Error())
		}
		h.Set("Content-Type", "application/json")
		if obj, ok := resp.body.(map[string]any); ok {
			c.Response = cloneMap(obj)
		}
	}
	c.Status = resp.status
	c.Deduplicated = resp.dedup

	s.mu.Lock()
	s.calls = append(s.calls, *c)
	s.notifyLocked()
	s.mu.Unlock()

	if s.cfg.echo {
		for _, e := range resp.echo {
			if e.t == "" {
				continue
			}
			s.broadcast(e.t, e.d, false)
		}
	}
	w.WriteHeader(resp.status)
	if body != nil {
		_, _ = w.Write(body)
	}
}

// handle parses the request, applies faults and auth, and runs the route.
func (s *Server) handle(c *Call, r *http.Request) response {
	if resp, ok := s.parseBody(c, r); !ok {
		return resp
	}
	var (
		rt      *route
		params  []string
		pathHit bool
	)
	for i := range routes {
		p, ok := matchPattern(routes[i].pattern, c.Path)
		if !ok {
			continue
		}
		pathHit = true
		if routes[i].method == c.Method {
			rt, params = &routes[i], p
			break
		}
	}
	bucket := bucketFor(c.Path, rt, params)

	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if routeMatches(f.route, c.Method, c.Path) {
			f.left--
			if f.left <= 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return faultResp(f.fault, bucket)
		}
	}
	if rt == nil {
		if pathHit {
			return errResp(http.StatusMethodNotAllowed, 0, "405: Method Not Allowed")
		}
		return errResp(http.StatusNotFound, 0, "404: Not Found")
	}
	if s.cfg.token != "" && !rt.noAuth && c.Header.Get("Authorization") != "Bot "+s.cfg.token {
		return errResp(http.StatusUnauthorized, 0, "401: Unauthorized")
	}
	resp := rt.h(s, c, params)
	if resp.status/100 == 2 {
		if resp.header == nil {
			resp.header = http.Header{}
		}
		reset := float64(time.Now().UnixMilli())/1000 + 1
		resp.header.Set("X-RateLimit-Limit", "5")
		resp.header.Set("X-RateLimit-Remaining", "4")
		resp.header.Set("X-RateLimit-Reset", strconv.FormatFloat(reset, 'f', 3, 64))
		resp.header.Set("X-RateLimit-Reset-After", "1.000")
		resp.header.Set("X-RateLimit-Bucket", bucket)
	}
	return resp
}

// bucketFor names a rate-limit bucket after the route and its major
// parameter (channel, webhook, interaction).
func bucketFor(path string, rt *route, params []string) string {
	key := path
	if rt != nil {
		key = rt.method + " " + rt.pattern
		if len(params) > 0 && (strings.HasPrefix(rt.pattern, "/channels/") || strings.HasPrefix(rt.pattern, "/webhooks/") ||
			strings.HasPrefix(rt.pattern, "/interactions/")) {
			key += " " + params[0]
		}
	}
	h := fnv.New64a()
	_, _ = io.WriteString(h, key)
	return fmt.Sprintf("%016x", h.Sum64())
}

// parseBody fills c.Body/c.Array/c.Files. It returns false with the error
// response for malformed bodies.
func (s *Server) parseBody(c *Call, r *http.Request) (response, bool) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return errResp(http.StatusBadRequest, 0, ""), false
	}
	if len(raw) == 0 {
		return response{}, true
	}
	mediaType, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mediaType == "multipart/form-data" {
		mr := multipart.NewReader(bytes.NewReader(raw), params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return errResp(http.StatusBadRequest, 0, ""), false
			}
			data, err := io.ReadAll(part)
			if err != nil {
				return errResp(http.StatusBadRequest, 0, ""), false
			}
			if part.FormName() == "payload_json" {
				if !decodeJSONInto(c, data) {
					return errResp(http.StatusBadRequest, 50109, ""), false
				}
				continue
			}
			if part.FileName() != "" || strings.HasPrefix(part.FormName(), "files[") || part.FormName() == "file" {
				c.Files = append(c.Files, File{
					Field:       part.FormName(),
					Name:        part.FileName(),
					ContentType: part.Header.Get("Content-Type"),
					Data:        data,
				})
			}
		}
		return response{}, true
	}
	if !decodeJSONInto(c, raw) {
		return errResp(http.StatusBadRequest, 50109, ""), false
	}
	return response{}, true
}

func decodeJSONInto(c *Call, raw []byte) bool {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		c.Body = t
	case []any:
		c.Array = t
	}
	return true
}

// ---- gateway and users ----

func (s *Server) getGateway(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{"url": s.GatewayURL})
}

func (s *Server) getGatewayBot(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{
		"url":    s.GatewayURL,
		"shards": 1,
		"session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1,
		},
	})
}

func (s *Server) getMe(*Call, []string) response {
	return jsonResp(http.StatusOK, s.botUser())
}

func (s *Server) getUser(_ *Call, p []string) response {
	if p[0] == s.BotID {
		return jsonResp(http.StatusOK, s.botUser())
	}
	return jsonResp(http.StatusOK, userObject(p[0], false))
}

func (s *Server) getApplication(*Call, []string) response {
	return jsonResp(http.StatusOK, map[string]any{
		"id":                     s.AppID,
		"name":                   s.BotName,
		"icon":                   nil,
		"description":            "",
		"bot_public":             false,
		"bot_require_code_grant": false,
		"bot":                    s.botUser(),
		"flags":                  0,
		"verify_key":             "0000",
	})
}

func (s *Server) createDM(c *Call, _ []string) response {
	uid, _ := c.Body["recipient_id"].(string)
	if uid == "" {
		return formError([]string{"recipient_id"}, "BASE_TYPE_REQUIRED", "This field is required")
	}
	return jsonResp(http.StatusOK, s.dmChannelLocked(uid).object())
}

func (s *Server) dmChannelLocked(userID string) *channel {
	if id, ok := s.dms[userID]; ok {
		return s.channels[id]
	}
	ch := &channel{id: NewID(), recipient: userID}
	s.channels[ch.id] = ch
	s.dms[userID] = ch.id
	return ch
}

// ---- channels and messages ----

func (s *Server) getChannel(_ *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	return jsonResp(http.StatusOK, ch.object())
}

func (s *Server) typing(_ *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	if ch.guildID == "" && s.cannotDM[ch.recipient] {
		return errResp(http.StatusForbidden, 50007, "")
	}
	return noContent()
}

func nonceString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func (s *Server) postMessage(c *Call, p []string) response {
	ch, ok := s.channels[p[0]]
	if !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	if ch.guildID == "" && s.cannotDM[ch.recipient] {
		return errResp(http.StatusForbidden, 50007, "")
	}
	nonce := nonceString(c.Body["nonce"])
	if len(nonce) > 25 {
		return formError([]string{"nonce"}, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.")
	}
	enforce, _ := c.Body["enforce_nonce"].(bool)
	key := ch.id + "\x00" + nonce
	if enforce && nonce != "" {
		if id, ok := s.nonces[key]; ok {
			if m, ok := s.messages[id]; ok {
				return response{status: http.StatusOK, body: cloneMap(m.obj), dedup: true}
			}
		}
	}
	if resp, ok := validateMessage(c.Body, c.Files, true); !ok {
		return resp
	}
	m := s.newMessageLocked(ch.id, c.Body, c.Files, s.botUser())
	if nonce != "" {
		m.obj["nonce"] = c.Body["nonce"]
		if _, seen := s.nonces[key]; !seen {
			s.nonces[key] = m.obj["id"].(string)
		}
	}
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: []echoEvent{s.echoOf("MESSAGE_CREATE", m)}}
}

func (s *Server) getMessage(_ *Call, p []string) response {
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	return jsonResp(http.StatusOK, cloneMap(m.obj))
}

func (s *Server) patchMessage(c *Call, p []string) response {
	if _, ok := s.channels[p[0]]; !ok {
		return errResp(http.StatusNotFound, 10003, "")
	}
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	if a, _ := m.obj["author"].(map[string]any); a == nil || a["id"] != s.BotID {
		return errResp(http.StatusForbidden, 50005, "")
	}
	return s.editMessageLocked(m, c)
}

func (s *Server) deleteMessage(_ *Call, p []string) response {
	m, ok := s.messages[p[1]]
	if !ok || m.deleted || m.channelID != p[0] {
		return errResp(http.StatusNotFound, 10008, "")
	}
	m.deleted = true
	return noContent()
}

// newMessageLocked stores a message created from a request body.
func (s *Server) newMessageLocked(channelID string, body map[string]any, files []File, author map[string]any) *message {
	id := NewID()
	obj := messageObject(id, channelID, author, "")
	if ch, ok := s.channels[channelID]; ok {
		if ch.guildID != "" {
			obj["guild_id"] = ch.guildID
		}
		ch.lastMsg = id
	}
	applyMessageFields(obj, body)
	obj["attachments"] = s.attachmentsLocked(channelID, body, files, nil)
	m := &message{channelID: channelID, obj: obj}
	s.storeMessageLocked(m)
	return m
}

func (s *Server) storeMessageLocked(m *message) {
	id, _ := m.obj["id"].(string)
	if _, dup := s.messages[id]; !dup {
		s.channelMsgs[m.channelID] = append(s.channelMsgs[m.channelID], id)
	}
	s.messages[id] = m
}

// applyMessageFields copies the message fields present in body onto obj.
func applyMessageFields(obj, body map[string]any) {
	for _, k := range []string{"content", "embeds", "components", "tts", "flags", "poll", "message_reference", "sticker_ids"} {
		v, ok := body[k]
		if !ok {
			continue
		}
		switch k {
		case "content":
			s, _ := v.(string)
			obj[k] = s
		case "embeds", "components", "sticker_ids":
			if v == nil {
				v = []any{}
			}
			obj[k] = cloneJSON(v)
		case "tts":
			b, _ := v.(bool)
			obj[k] = b
		case "flags":
			f, _ := v.(float64)
			obj[k] = int(f)
		default:
			if v != nil {
				obj[k] = cloneJSON(v)
			}
		}
	}
}

// attachmentsLocked turns uploaded files into attachment objects, keeping
// the existing attachments listed in body["attachments"] (edits) or all of
// them when the field is absent.
func (s *Server) attachmentsLocked(channelID string, body map[string]any, files []File, existing []any) []any {
	out := []any{}
	declared, hasDeclared := body["attachments"].([]any)
	keep := map[string]bool{}
	desc := map[string]string{}
	for _, d := range declared {
		dm, _ := d.(map[string]any)
		id := nonceString(dm["id"])
		keep[id] = true
		if ds, ok := dm["description"].(string); ok {
			desc[id] = ds
		}
	}
	for _, e := range existing {
		em, _ := e.(map[string]any)
		if id, _ := em["id"].(string); !hasDeclared || keep[id] {
			out = append(out, e)
		}
	}
	for i, f := range files {
		id := NewID()
		ct := f.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		path := fmt.Sprintf("attachments/%s/%s/%s", channelID, id, f.Name)
		att := map[string]any{
			"id":           id,
			"filename":     f.Name,
			"size":         len(f.Data),
			"url":          "https://cdn.discordapp.com/" + path,
			"proxy_url":    "https://media.discordapp.net/" + path,
			"content_type": ct,
		}
		if d, ok := desc[strconv.Itoa(i)]; ok {
			att["description"] = d
		}
		s.attachments[id] = f
		out = append(out, att)
	}
	return out
}

func (s *Server) editMessageLocked(m *message, c *Call) response {
	if resp, ok := validateMessage(c.Body, c.Files, false); !ok {
		return resp
	}
	applyMessageFields(m.obj, c.Body)
	if _, ok := c.Body["attachments"]; ok || len(c.Files) > 0 {
		existing, _ := m.obj["attachments"].([]any)
		m.obj["attachments"] = s.attachmentsLocked(m.channelID, c.Body, c.Files, existing)
	}
	if f, ok := m.obj["flags"].(int); ok {
		m.obj["flags"] = f &^ 128 // an edit ends the "thinking" state
	}
	m.obj["edited_timestamp"] = timestamp(time.Now())
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: []echoEvent{s.echoOf("MESSAGE_UPDATE", m)}}
}

func (s *Server) echoOf(t string, m *message) echoEvent {
	d := cloneMap(m.obj)
	if f, _ := d["flags"].(int); f&64 != 0 {
		return echoEvent{} // ephemeral messages are not dispatched
	}
	if gid, _ := d["guild_id"].(string); gid != "" {
		d["member"] = memberObject(nil, time.Now().Add(-24*time.Hour))
	}
	return echoEvent{t: t, d: d}
}

var customIDKeys = map[string]bool{"custom_id": true}

// validateMessage applies Discord's limits on message bodies.
func validateMessage(body map[string]any, files []File, create bool) (response, bool) {
	content, hasContent := body["content"].(string)
	if hasContent && utf8.RuneCountInString(content) > 2000 {
		return formError([]string{"content"}, "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length."), false
	}
	if comps, ok := body["components"].([]any); ok {
		if len(comps) > 5 && !isComponentsV2(body) {
			return formError([]string{"components"}, "BASE_TYPE_BAD_LENGTH", "Must be between 0 and 5 in length."), false
		}
		if path, ok := checkCustomIDs(comps, []string{"components"}); !ok {
			return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
		}
	}
	if create && content == "" && len(files) == 0 && isEmptyList(body["embeds"]) &&
		isEmptyList(body["components"]) && isEmptyList(body["sticker_ids"]) && body["poll"] == nil {
		return errResp(http.StatusBadRequest, 50006, ""), false
	}
	return response{}, true
}

func isComponentsV2(body map[string]any) bool {
	f, _ := body["flags"].(float64)
	return int(f)&(1<<15) != 0
}

func isEmptyList(v any) bool {
	l, _ := v.([]any)
	return len(l) == 0
}

// checkCustomIDs walks a component tree and returns the path of the first
// custom_id that is empty or longer than 100 characters.
func checkCustomIDs(v any, path []string) ([]string, bool) {
	switch t := v.(type) {
	case []any:
		for i, x := range t {
			if p, ok := checkCustomIDs(x, append(append([]string(nil), path...), strconv.Itoa(i))); !ok {
				return p, false
			}
		}
	case map[string]any:
		for k, x := range t {
			if customIDKeys[k] {
				if id, ok := x.(string); ok && (id == "" || utf8.RuneCountInString(id) > 100) {
					return append(append([]string(nil), path...), k), false
				}
				continue
			}
			if _, isList := x.([]any); isList || k == "accessory" || k == "component" {
				if p, ok := checkCustomIDs(x, append(append([]string(nil), path...), k)); !ok {
					return p, false
				}
			}
		}
	}
	return nil, true
}

// ---- CDN ----

func (s *Server) serveCDN(w http.ResponseWriter, r *http.Request) {
	if p, ok := matchPattern("/attachments/*/*/*", r.URL.Path); ok && r.Method == http.MethodGet {
		s.mu.Lock()
		f, found := s.attachments[p[1]]
		s.mu.Unlock()
		if found && f.Name == p[2] {
			ct := f.ContentType
			if ct == "" {
				ct = "application/octet-stream"
			}
			w.Header().Set("Content-Type", ct)
			_, _ = w.Write(f.Data)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_, _ = io.WriteString(w, `{"message": "404: Not Found", "code": 0}`)
}

// ---- observing dispatched events ----

// observe registers what a dispatched event tells about channels, messages
// and interactions, and returns the payload to send.
func (s *Server) observe(t string, v any) any {
	d, ok := v.(map[string]any)
	if !ok {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch t {
	case "MESSAGE_CREATE":
		chID, _ := d["channel_id"].(string)
		gid, _ := d["guild_id"].(string)
		author, _ := d["author"].(map[string]any)
		uid, _ := author["id"].(string)
		s.learnChannelLocked(chID, gid, uid)
		if id, _ := d["id"].(string); id != "" && chID != "" {
			obj := cloneMap(d)
			delete(obj, "member")
			s.storeMessageLocked(&message{channelID: chID, obj: obj})
			if ch := s.channels[chID]; ch != nil {
				ch.lastMsg = id
			}
		}
	case "INTERACTION_CREATE":
		id, _ := d["id"].(string)
		token, _ := d["token"].(string)
		chID, _ := d["channel_id"].(string)
		gid, _ := d["guild_id"].(string)
		typ, _ := d["type"].(float64)
		user, _ := d["user"].(map[string]any)
		if member, ok := d["member"].(map[string]any); ok && user == nil {
			user, _ = member["user"].(map[string]any)
		}
		uid, _ := user["id"].(string)
		s.learnChannelLocked(chID, gid, uid)
		it := &interaction{
			id: id, token: token, channelID: chID, typ: int(typ), user: user,
			created: time.Now(), dispatched: true,
		}
		it.appID, _ = d["application_id"].(string)
		if msg, ok := d["message"].(map[string]any); ok {
			mid, _ := msg["id"].(string)
			it.componentMsgID = mid
			if stored, ok := s.messages[mid]; ok && !stored.deleted {
				d["message"] = cloneMap(stored.obj)
			}
		}
		if token != "" {
			s.interactions[token] = it
		}
		if id != "" {
			s.interactionsByID[id] = it
		}
	}
	return d
}

func (s *Server) learnChannelLocked(channelID, guildID, userID string) {
	if channelID == "" {
		return
	}
	if _, ok := s.channels[channelID]; ok {
		return
	}
	if guildID != "" {
		s.channels[channelID] = &channel{id: channelID, guildID: guildID}
		return
	}
	if userID == "" || userID == s.BotID {
		return
	}
	s.channels[channelID] = &channel{id: channelID, recipient: userID}
	if _, ok := s.dms[userID]; !ok {
		s.dms[userID] = channelID
	}
}
