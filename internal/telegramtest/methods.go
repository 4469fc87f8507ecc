package telegramtest

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/gif" // photo uploads are checked by decoding them
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits of the Bot API that the fake enforces.
const (
	maxTextLen     = 4096 // UTF-16 code units after entity parsing
	maxCaptionLen  = 1024
	maxCallbackLen = 64 // bytes
	maxPhotoBytes  = 10 << 20
)

type builtin func(s *Server, c Call) (any, *Fault)

// builtins are the methods the fake implements, by lower-case name.
var builtins = map[string]builtin{}

// canonicalNames maps lower-case method names to the Bot API's spelling.
var canonicalNames = map[string]string{}

func init() {
	for name, fn := range map[string]builtin{
		"getMe":                  getMe,
		"getUpdates":             nil, // Server.getUpdates
		"logOut":                 okTrue,
		"close":                  okTrue,
		"setWebhook":             setWebhook,
		"deleteWebhook":          deleteWebhook,
		"getWebhookInfo":         getWebhookInfo,
		"sendMessage":            sendMessage,
		"sendPhoto":              sendPhoto,
		"sendDocument":           sendDocument,
		"sendChatAction":         sendChatAction,
		"editMessageText":        editMessage,
		"editMessageCaption":     editMessage,
		"editMessageReplyMarkup": editMessage,
		"deleteMessage":          deleteMessage,
		"answerCallbackQuery":    answerCallbackQuery,
		"setMyCommands":          setMyCommands,
		"deleteMyCommands":       deleteMyCommands,
		"getMyCommands":          getMyCommands,
		"setMyName":              okTrue,
		"setChatMenuButton":      okTrue,
	} {
		canonicalNames[strings.ToLower(name)] = name
		if fn != nil {
			builtins[strings.ToLower(name)] = fn
		}
	}
}

func okTrue(*Server, Call) (any, *Fault) { return true, nil }

func getMe(s *Server, _ Call) (any, *Fault) {
	return map[string]any{
		"id": s.me.ID, "is_bot": true, "first_name": s.me.FirstName, "username": s.me.Username,
		"can_join_groups": true, "can_read_all_group_messages": false, "supports_inline_queries": false,
		"can_connect_to_business": false, "has_main_web_app": false,
	}, nil
}

var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

func setWebhook(s *Server, c Call) (any, *Fault) {
	url := c.Fields["url"]
	if url != "" && !strings.HasPrefix(strings.ToLower(url), "https://") {
		return nil, badRequest("bad webhook: An HTTPS URL must be provided for webhook")
	}
	if tok, ok := c.Fields["secret_token"]; ok && tok != "" && !secretToken.MatchString(tok) {
		return nil, badRequest("bad webhook: secret token contains unallowed characters")
	}
	var allowed []string
	if raw, ok := c.Fields["allowed_updates"]; ok {
		if err := json.Unmarshal([]byte(raw), &allowed); err != nil {
			return nil, badRequest("can't parse allowed updates JSON object")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = url
	if allowed != nil {
		s.allowed = allowed
	}
	if c.Fields["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	if s.poll != nil && url != "" {
		close(s.poll)
		s.poll = nil
	}
	return true, nil
}

func deleteWebhook(s *Server, c Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = ""
	if c.Fields["drop_pending_updates"] == "true" {
		s.queue = nil
	}
	return true, nil
}

func getWebhookInfo(s *Server, _ Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	info := map[string]any{"url": s.webhook, "has_custom_certificate": false, "pending_update_count": len(s.queue)}
	if s.webhook != "" {
		info["max_connections"] = 40
		info["ip_address"] = "149.154.167.220"
	}
	if len(s.allowed) > 0 {
		info["allowed_updates"] = s.allowed
	}
	return info, nil
}

// msgKey identifies a message: ids are per chat in Telegram.
type msgKey struct {
	chat int64
	id   int
}

// stored is a message the bot sent, kept for edits and callback queries.
type stored struct {
	msg    Message
	markup string // canonical inline keyboard JSON, "" if none
}

// chat resolves the call's chat_id.
func (s *Server) chat(c Call) (Chat, *Fault) {
	raw := c.Fields["chat_id"]
	if raw == "" {
		return Chat{}, badRequest("chat_id is empty")
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id == 0 {
		return Chat{}, badRequest("chat not found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.chats[id]; ok {
		return ch, nil
	}
	if id > 0 {
		return Chat{ID: id, Type: "private", FirstName: "Client " + raw}, nil
	}
	return groupChat(id), nil
}

// newMessage is a fresh message from the bot in chat.
func (s *Server) newMessage(chat Chat) Message {
	me := s.me
	return Message{MessageID: nextMessageID(), From: &me, Date: time.Now().Unix(), Chat: chat}
}

func (s *Server) store(m Message, markup string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages[msgKey{m.Chat.ID, m.MessageID}] = &stored{msg: m, markup: markup}
}

func sendMessage(s *Server, c Call) (any, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return nil, f
	}
	text, f := formatText(c.Fields["text"], c.Fields["parse_mode"], maxTextLen, "message text is empty", "message is too long")
	if f != nil {
		return nil, f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return nil, f
	}
	m := s.newMessage(chat)
	m.Text = text
	m.ReplyMarkup = rawOrNil(markup)
	s.store(m, markup)
	return m, nil
}

func sendChatAction(s *Server, c Call) (any, *Fault) {
	if _, f := s.chat(c); f != nil {
		return nil, f
	}
	if c.Fields["action"] == "" {
		return nil, badRequest("action is empty")
	}
	return true, nil
}

// media parses what sendPhoto and sendDocument have in common.
func (s *Server) media(c Call) (Message, string, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return Message{}, "", f
	}
	caption, f := formatText(c.Fields["caption"], c.Fields["parse_mode"], maxCaptionLen, "", "message caption is too long")
	if f != nil {
		return Message{}, "", f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return Message{}, "", f
	}
	m := s.newMessage(chat)
	m.Caption = caption
	m.ReplyMarkup = rawOrNil(markup)
	return m, markup, nil
}

// upload finds the file sent as field: a multipart part of that name, or "attach://<name>".
func upload(c Call, field string) (File, bool) {
	if f, ok := c.Files[field]; ok {
		return f, true
	}
	if name, ok := strings.CutPrefix(c.Fields[field], "attach://"); ok {
		f, ok := c.Files[name]
		return f, ok
	}
	return File{}, false
}

func sendPhoto(s *Server, c Call) (any, *Fault) {
	m, markup, f := s.media(c)
	if f != nil {
		return nil, f
	}
	if file, ok := upload(c, "photo"); ok {
		if len(file.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		if len(file.Data) > maxPhotoBytes {
			return nil, &Fault{Status: http.StatusRequestEntityTooLarge, Description: "Request Entity Too Large"}
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(file.Data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED")
		}
		if cfg.Width+cfg.Height > 10000 || cfg.Width > 20*cfg.Height || cfg.Height > 20*cfg.Width {
			return nil, badRequest("PHOTO_INVALID_DIMENSIONS")
		}
		m.Photo = photoSizes(cfg.Width, cfg.Height, len(file.Data))
	} else if c.Fields["photo"] != "" { // a file_id or an HTTP URL
		m.Photo = photoSizes(1280, 960, 180000)
	} else {
		return nil, badRequest("there is no photo in the request")
	}
	s.store(m, markup)
	return m, nil
}

func sendDocument(s *Server, c Call) (any, *Fault) {
	m, markup, f := s.media(c)
	if f != nil {
		return nil, f
	}
	id, uid := nextFileID("BQACAgIA")
	if file, ok := upload(c, "document"); ok {
		if len(file.Data) == 0 {
			return nil, badRequest("file must be non-empty")
		}
		typ, _, _ := mime.ParseMediaType(mime.TypeByExtension(path.Ext(file.Name)))
		if typ == "" {
			typ, _, _ = mime.ParseMediaType(http.DetectContentType(file.Data))
		}
		m.Document = &Document{FileID: id, FileUniqueID: uid, FileName: file.Name, MimeType: typ, FileSize: len(file.Data)}
	} else if c.Fields["document"] != "" {
		m.Document = &Document{FileID: id, FileUniqueID: uid, FileName: "file", MimeType: "application/octet-stream", FileSize: 1000}
	} else {
		return nil, badRequest("there is no document in the request")
	}
	s.store(m, markup)
	return m, nil
}

// editMessage implements editMessageText, editMessageCaption and editMessageReplyMarkup.
func editMessage(s *Server, c Call) (any, *Fault) {
	var text, caption string
	var f *Fault
	switch c.Method {
	case "editMessageText":
		text, f = formatText(c.Fields["text"], c.Fields["parse_mode"], maxTextLen, "message text is empty", "message is too long")
	case "editMessageCaption":
		caption, f = formatText(c.Fields["caption"], c.Fields["parse_mode"], maxCaptionLen, "", "message caption is too long")
	}
	if f != nil {
		return nil, f
	}
	markup, f := replyMarkup(c.Fields["reply_markup"])
	if f != nil {
		return nil, f
	}
	if markup != "" && !strings.Contains(markup, `"inline_keyboard"`) {
		return nil, badRequest("can't parse inline keyboard markup JSON object")
	}
	if c.Fields["inline_message_id"] != "" {
		return true, nil
	}
	chat, id, f := s.chatMessage(c)
	if f != nil {
		return nil, f
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	st, known := s.messages[msgKey{chat.ID, id}]
	if !known { // not sent through this server: take the bot's word for it
		me := s.me
		st = &stored{msg: Message{MessageID: id, From: &me, Date: time.Now().Add(-time.Minute).Unix(), Chat: chat}}
		if c.Method == "editMessageText" {
			st.msg.Text = "…"
		}
	}
	next := *st
	next.markup = markup
	switch c.Method {
	case "editMessageText":
		if st.msg.Text == "" {
			return nil, badRequest("there is no text in the message to edit")
		}
		next.msg.Text = text
	case "editMessageCaption":
		if st.msg.Text != "" {
			return nil, badRequest("there is no caption in the message to edit")
		}
		next.msg.Caption = caption
	}
	if known && next.msg.Text == st.msg.Text && next.msg.Caption == st.msg.Caption && next.markup == st.markup {
		return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
	}
	next.msg.EditDate = time.Now().Unix()
	next.msg.ReplyMarkup = rawOrNil(markup)
	s.messages[msgKey{chat.ID, id}] = &next
	return next.msg, nil
}

// chatMessage reads the chat_id and message_id of a call about one message.
func (s *Server) chatMessage(c Call) (Chat, int, *Fault) {
	chat, f := s.chat(c)
	if f != nil {
		return Chat{}, 0, f
	}
	id, err := strconv.Atoi(c.Fields["message_id"])
	if err != nil || id <= 0 {
		return Chat{}, 0, badRequest("message identifier is not specified")
	}
	return chat, id, nil
}

func deleteMessage(s *Server, c Call) (any, *Fault) {
	chat, id, f := s.chatMessage(c)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.messages, msgKey{chat.ID, id})
	return true, nil
}

func answerCallbackQuery(s *Server, c Call) (any, *Fault) {
	id := c.Fields["callback_query_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	answered, known := s.callbacks[id]
	if id == "" || (known && answered) {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	if utf8.RuneCountInString(c.Fields["text"]) > 200 {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	if known {
		s.callbacks[id] = true
	}
	return true, nil
}

var commandName = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)

// commandsKey is where setMyCommands keeps commands: by scope and language.
func commandsKey(c Call) string {
	scope := c.Fields["scope"]
	if scope == "" {
		scope = `{"type":"default"}`
	}
	return canonicalJSON(scope) + "|" + c.Fields["language_code"]
}

func setMyCommands(s *Server, c Call) (any, *Fault) {
	var cmds []struct {
		Command     string `json:"command"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal([]byte(c.Fields["commands"]), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands")
	}
	for _, cmd := range cmds {
		if !commandName.MatchString(cmd.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf8.RuneCountInString(cmd.Description); n < 1 || n > 256 {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[commandsKey(c)] = json.RawMessage(c.Fields["commands"])
	return true, nil
}

func deleteMyCommands(s *Server, c Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, commandsKey(c))
	return true, nil
}

func getMyCommands(s *Server, c Call) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if raw, ok := s.commands[commandsKey(c)]; ok {
		return raw, nil
	}
	return []any{}, nil
}

// formatText parses text in parse mode and checks its length as Telegram does. empty is the
// error for an empty text ("" if empty is allowed), long the one for a too long text.
func formatText(raw, parseMode string, limit int, empty, long string) (string, *Fault) {
	text := raw
	switch strings.ToLower(parseMode) {
	case "":
	case "html":
		plain, err := parseHTML(raw)
		if err != "" {
			return "", badRequest("can't parse entities: %s", err)
		}
		text = plain
	case "markdownv2":
		text = unescapeMarkdownV2(raw) // markup is not checked; the length is an upper bound
	case "markdown":
	default:
		return "", badRequest("unsupported parse_mode")
	}
	text = strings.TrimSpace(text)
	if text == "" && empty != "" {
		return "", badRequest("%s", empty)
	}
	if utf16Len(text) > limit {
		return "", badRequest("%s", long)
	}
	return text, nil
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func unescapeMarkdownV2(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		if r == '\\' && !esc {
			esc = true
			continue
		}
		esc = false
		b.WriteRune(r)
	}
	return b.String()
}

// htmlTags are the tags Telegram's HTML parse mode supports.
var htmlTags = map[string]bool{
	"a": true, "b": true, "strong": true, "i": true, "em": true, "u": true, "ins": true,
	"s": true, "strike": true, "del": true, "span": true, "tg-spoiler": true, "tg-emoji": true,
	"code": true, "pre": true, "blockquote": true,
}

// parseHTML turns Telegram-flavoured HTML into plain text, or gives the error Telegram
// reports after "can't parse entities: ". Offsets are in bytes, as Telegram's are.
func parseHTML(s string) (string, string) {
	var out strings.Builder
	var open []string
	for i := 0; i < len(s); {
		switch s[i] {
		case '&':
			if dec, n := htmlEntity(s[i:]); n > 0 {
				out.WriteString(dec)
				i += n
				continue
			}
			out.WriteByte('&')
			i++
		case '<':
			start := i
			i++
			if i < len(s) && s[i] == '/' { // end tag
				if len(open) == 0 {
					return "", "Unexpected end tag at byte offset " + strconv.Itoa(start)
				}
				i++
				j := i
				for i < len(s) && s[i] != '>' && !isSpace(s[i]) {
					i++
				}
				name := strings.ToLower(s[j:i])
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i >= len(s) || s[i] != '>' {
					return "", "Unclosed end tag at byte offset " + strconv.Itoa(start)
				}
				i++
				top := open[len(open)-1]
				if name != "" && name != top {
					return "", "Unmatched end tag at byte offset " + strconv.Itoa(start) +
						`, expected "</` + top + `>", found "</` + name + `>"`
				}
				open = open[:len(open)-1]
				continue
			}
			j := i
			for i < len(s) && s[i] != '>' && !isSpace(s[i]) {
				i++
			}
			if i >= len(s) {
				return "", "Unclosed start tag at byte offset " + strconv.Itoa(start)
			}
			name := strings.ToLower(s[j:i])
			if !htmlTags[name] {
				return "", `Unsupported start tag "` + name + `" at byte offset ` + strconv.Itoa(start)
			}
			attrs := i
			var quote byte
			for i < len(s) && (quote != 0 || s[i] != '>') {
				switch {
				case quote != 0 && s[i] == quote:
					quote = 0
				case quote == 0 && (s[i] == '"' || s[i] == '\''):
					quote = s[i]
				}
				i++
			}
			if i >= len(s) {
				return "", `Unclosed start tag "` + name + `" at byte offset ` + strconv.Itoa(start)
			}
			if name == "span" && !strings.Contains(s[attrs:i], "tg-spoiler") {
				return "", `Tag "span" must have class "tg-spoiler" at byte offset ` + strconv.Itoa(start)
			}
			i++
			open = append(open, name)
		default:
			out.WriteByte(s[i])
			i++
		}
	}
	if len(open) > 0 {
		return "", `Can't find end tag corresponding to start tag "` + open[len(open)-1] + `"`
	}
	return out.String(), ""
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' }

// htmlEntity decodes the entity at the start of s: the four named ones Telegram knows and
// numeric ones. n is 0 if there is none (Telegram then keeps the '&' as it is).
func htmlEntity(s string) (string, int) {
	end := strings.IndexByte(s, ';')
	if end < 2 || end > 10 {
		return "", 0
	}
	name := s[1:end]
	switch name {
	case "lt":
		return "<", end + 1
	case "gt":
		return ">", end + 1
	case "amp":
		return "&", end + 1
	case "quot":
		return `"`, end + 1
	}
	if num, ok := strings.CutPrefix(name, "#"); ok {
		base := 10
		if h, ok := strings.CutPrefix(strings.ToLower(num), "x"); ok {
			num, base = h, 16
		}
		if v, err := strconv.ParseUint(num, base, 32); err == nil && v > 0 && utf8.ValidRune(rune(v)) {
			return string(rune(v)), end + 1
		}
	}
	return "", 0
}

// replyMarkup checks a reply_markup field and returns the canonical JSON of an inline keyboard
// ("" for none or for a reply keyboard, which messages do not carry).
func replyMarkup(raw string) (string, *Fault) {
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	kb, ok := m["inline_keyboard"]
	if !ok {
		if _, ok := m["keyboard"]; ok {
			return "", nil
		}
		if _, ok := m["remove_keyboard"]; ok {
			return "", nil
		}
		if _, ok := m["force_reply"]; ok {
			return "", nil
		}
		return "", badRequest("can't parse reply keyboard markup JSON object")
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(kb, &rows); err != nil {
		return "", badRequest(`field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays`)
	}
	for _, row := range rows {
		for _, btn := range row {
			var text string
			if err := json.Unmarshal(btn["text"], &text); err != nil || text == "" {
				return "", badRequest("text buttons are unallowed in the inline keyboard")
			}
			actions := 0
			for k := range btn {
				if k != "text" {
					actions++
				}
			}
			if actions == 0 {
				return "", badRequest("text buttons are unallowed in the inline keyboard")
			}
			if data, ok := btn["callback_data"]; ok {
				var d string
				if err := json.Unmarshal(data, &d); err != nil || len(d) < 1 || len(d) > maxCallbackLen {
					return "", badRequest("BUTTON_DATA_INVALID")
				}
			}
		}
	}
	if len(rows) == 0 {
		return "", nil
	}
	return canonicalJSON(raw), nil
}

func canonicalJSON(raw string) string {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		return raw
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}
