package discordtest

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// validLocales are the locales Discord accepts as localization keys.
var validLocales = map[string]bool{
	"id": true, "da": true, "de": true, "en-GB": true, "en-US": true, "es-ES": true, "es-419": true,
	"fr": true, "hr": true, "it": true, "lt": true, "hu": true, "nl": true, "no": true, "pl": true,
	"pt-BR": true, "ro": true, "fi": true, "sv-SE": true, "vi": true, "tr": true, "cs": true,
	"el": true, "bg": true, "ru": true, "uk": true, "hi": true, "th": true, "zh-CN": true,
	"ja": true, "zh-TW": true, "ko": true,
}

// chatInputName is Discord's rule for CHAT_INPUT command and option names.
var chatInputName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

func commandsKey(appID, guildID string) string {
	if guildID == "" {
		return appID
	}
	return appID + "/" + guildID
}

func intOf(v any, def int) int {
	if f, ok := v.(float64); ok {
		return int(f)
	}
	return def
}

func sub(path []string, more ...string) []string {
	return append(append([]string(nil), path...), more...)
}

func (s *Server) getCommands(_ *Call, p []string) response {
	guild := ""
	if len(p) > 1 {
		guild = p[1]
	}
	list := []any{}
	for _, c := range s.commands[commandsKey(p[0], guild)] {
		list = append(list, cloneMap(c))
	}
	return jsonResp(http.StatusOK, list)
}

func (s *Server) putCommands(c *Call, p []string) response {
	guild := ""
	if len(p) > 1 {
		guild = p[1]
	}
	if c.Array == nil {
		if c.Body != nil {
			return formError(nil, "BASE_TYPE_ARRAY", "Must be an array.")
		}
		c.Array = []any{}
	}
	if resp, ok := validateCommands(c.Array); !ok {
		return resp
	}
	version := NewID()
	var stored []map[string]any
	out := []any{}
	for _, x := range c.Array {
		cmd := cloneMap(x.(map[string]any))
		typ := intOf(cmd["type"], 1)
		name, _ := cmd["name"].(string)
		cmd["id"] = commandID(p[0], name)
		if typ != 1 {
			cmd["id"] = commandID(p[0], fmt.Sprintf("%s#%d", name, typ))
		}
		cmd["application_id"] = p[0]
		cmd["version"] = version
		cmd["type"] = typ
		if _, ok := cmd["description"]; !ok {
			cmd["description"] = ""
		}
		if _, ok := cmd["default_member_permissions"]; !ok {
			cmd["default_member_permissions"] = nil
		}
		if _, ok := cmd["nsfw"]; !ok {
			cmd["nsfw"] = false
		}
		if _, ok := cmd["integration_types"]; !ok && guild == "" {
			cmd["integration_types"] = []any{0}
		}
		if guild != "" {
			cmd["guild_id"] = guild
		}
		stored = append(stored, cmd)
		out = append(out, cloneMap(cmd))
	}
	s.commands[commandsKey(p[0], guild)] = stored
	return jsonResp(http.StatusOK, out)
}

// validateCommands applies Discord's rules for application commands.
func validateCommands(list []any) (response, bool) {
	seen := map[string]bool{}
	for i, x := range list {
		path := []string{strconv.Itoa(i)}
		cmd, ok := x.(map[string]any)
		if !ok {
			return formError(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"), false
		}
		typ := intOf(cmd["type"], 1)
		if typ < 1 || typ > 4 {
			return formError(sub(path, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4}."), false
		}
		name, _ := cmd["name"].(string)
		if resp, ok := checkName(name, typ == 1, sub(path, "name")); !ok {
			return resp, false
		}
		key := strconv.Itoa(typ) + "/" + name
		if seen[key] {
			return formError(sub(path, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"), false
		}
		seen[key] = true
		desc, _ := cmd["description"].(string)
		if typ == 1 {
			if resp, ok := checkDescription(desc, sub(path, "description")); !ok {
				return resp, false
			}
		} else if desc != "" {
			return formError(sub(path, "description"), "APPLICATION_COMMAND_CONTEXT_MENU_DESCRIPTION",
				"Context menu commands cannot have description"), false
		}
		if resp, ok := checkLocalizations(cmd, path, typ == 1); !ok {
			return resp, false
		}
		if resp, ok := checkEnumList(cmd["contexts"], sub(path, "contexts"), 0, 2); !ok {
			return resp, false
		}
		if resp, ok := checkEnumList(cmd["integration_types"], sub(path, "integration_types"), 0, 1); !ok {
			return resp, false
		}
		if opts, ok := cmd["options"].([]any); ok {
			if typ != 1 && len(opts) > 0 {
				return formError(sub(path, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID",
					"Only chat input commands can have options"), false
			}
			if resp, ok := checkOptions(opts, sub(path, "options")); !ok {
				return resp, false
			}
		}
	}
	return response{}, true
}

func checkName(name string, chatInput bool, path []string) (response, bool) {
	n := utf8.RuneCountInString(name)
	if n < 1 || n > 32 {
		return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 32 in length."), false
	}
	if chatInput && (!chatInputName.MatchString(name) || strings.ToLower(name) != name) {
		return formError(path, "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"), false
	}
	return response{}, true
}

func checkDescription(desc string, path []string) (response, bool) {
	n := utf8.RuneCountInString(desc)
	if n < 1 || n > 100 {
		return formError(path, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
	}
	return response{}, true
}

// checkLocalizations validates name_localizations and
// description_localizations of a command, option or choice (choices have
// no description).
func checkLocalizations(obj map[string]any, path []string, chatInput bool) (response, bool) {
	for _, field := range []string{"name_localizations", "description_localizations"} {
		v, ok := obj[field]
		if !ok || v == nil {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return formError(sub(path, field), "DICT_TYPE_CONVERT", "Only dictionaries may be used in a DictType"), false
		}
		for loc, x := range m {
			p := sub(path, field, loc)
			if !validLocales[loc] {
				return formError(p, "ENUM_TYPE_COERCE", fmt.Sprintf("Value %q is not a valid enum value.", loc)), false
			}
			str, _ := x.(string)
			var resp response
			if field == "name_localizations" {
				resp, ok = checkName(str, chatInput, p)
			} else {
				resp, ok = checkDescription(str, p)
			}
			if !ok {
				return resp, false
			}
		}
	}
	return response{}, true
}

func checkEnumList(v any, path []string, lo, hi int) (response, bool) {
	if v == nil {
		return response{}, true
	}
	l, ok := v.([]any)
	if !ok {
		return formError(path, "BASE_TYPE_ARRAY", "Must be an array."), false
	}
	for i, x := range l {
		n := intOf(x, -1)
		if n < lo || n > hi {
			return formError(sub(path, strconv.Itoa(i)), "ENUM_TYPE_COERCE",
				fmt.Sprintf("Value %v is not a valid enum value.", x)), false
		}
	}
	return response{}, true
}

func checkOptions(opts []any, path []string) (response, bool) {
	if len(opts) > 25 {
		return formError(path, "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."), false
	}
	optionalSeen := false
	seen := map[string]bool{}
	for i, x := range opts {
		p := sub(path, strconv.Itoa(i))
		o, ok := x.(map[string]any)
		if !ok {
			return formError(p, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType"), false
		}
		typ := intOf(o["type"], 0)
		if typ < 1 || typ > 11 {
			return formError(sub(p, "type"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}."), false
		}
		name, _ := o["name"].(string)
		if resp, ok := checkName(name, true, sub(p, "name")); !ok {
			return resp, false
		}
		if seen[name] {
			return formError(sub(p, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS", "Option names must be unique"), false
		}
		seen[name] = true
		desc, _ := o["description"].(string)
		if resp, ok := checkDescription(desc, sub(p, "description")); !ok {
			return resp, false
		}
		if resp, ok := checkLocalizations(o, p, true); !ok {
			return resp, false
		}
		required, _ := o["required"].(bool)
		if required && optionalSeen {
			return formError(p, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
				"Required options must be placed before non-required options"), false
		}
		if !required {
			optionalSeen = true
		}
		if choices, ok := o["choices"].([]any); ok {
			if len(choices) > 25 {
				return formError(sub(p, "choices"), "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length."), false
			}
			for j, cx := range choices {
				cp := sub(p, "choices", strconv.Itoa(j))
				ch, _ := cx.(map[string]any)
				cn, _ := ch["name"].(string)
				if n := utf8.RuneCountInString(cn); n < 1 || n > 100 {
					return formError(sub(cp, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length."), false
				}
				if locs, ok := ch["name_localizations"].(map[string]any); ok {
					for loc := range locs {
						if !validLocales[loc] {
							return formError(sub(cp, "name_localizations", loc), "ENUM_TYPE_COERCE",
								fmt.Sprintf("Value %q is not a valid enum value.", loc)), false
						}
					}
				}
			}
		}
		if sub1, ok := o["options"].([]any); ok && (typ == 1 || typ == 2) {
			if resp, ok := checkOptions(sub1, sub(p, "options")); !ok {
				return resp, false
			}
		}
	}
	return response{}, true
}

// ---- interactions ----

// Interaction callback types.
const (
	cbPong                   = 1
	cbChannelMessage         = 4
	cbDeferredChannelMessage = 5
	cbDeferredUpdateMessage  = 6
	cbUpdateMessage          = 7
	cbAutocomplete           = 8
	cbModal                  = 9
	cbPremiumRequired        = 10
	cbLaunchActivity         = 12
)

func (s *Server) interactionCallback(c *Call, p []string) response {
	id, token := p[0], p[1]
	it := s.interactionsByID[id]
	if it != nil && it.token != token {
		return errResp(http.StatusNotFound, 10062, "")
	}
	if it == nil {
		// Not dispatched through the fake: accept it without deadline.
		it = &interaction{id: id, token: token, created: time.Now()}
		s.interactionsByID[id] = it
		s.interactions[token] = it
	}
	if it.acked {
		return errResp(http.StatusBadRequest, 40060, "")
	}
	if it.dispatched && s.cfg.deadline > 0 && time.Since(it.created) > s.cfg.deadline {
		return errResp(http.StatusNotFound, 10062, "")
	}
	typ := intOf(c.Body["type"], 0)
	data, _ := c.Body["data"].(map[string]any)
	if data == nil {
		data = map[string]any{}
	}
	var echo []echoEvent
	switch typ {
	case cbPong, cbAutocomplete, cbModal, cbPremiumRequired, cbLaunchActivity:
	case cbChannelMessage:
		if resp, ok := validateMessage(data, c.Files, true); !ok {
			return prefixFormError(resp, "data")
		}
		m := s.interactionMessageLocked(it, data, c.Files)
		it.originalMessageID = m.obj["id"].(string)
		echo = append(echo, s.echoOf("MESSAGE_CREATE", m))
	case cbDeferredChannelMessage:
		flags := intOf(data["flags"], 0) & 64
		m := s.interactionMessageLocked(it, map[string]any{"flags": float64(flags | 128)}, nil)
		it.originalMessageID = m.obj["id"].(string)
		echo = append(echo, s.echoOf("MESSAGE_CREATE", m))
	case cbDeferredUpdateMessage, cbUpdateMessage:
		if it.typ != 0 && it.typ != 3 && it.typ != 5 {
			return errResp(http.StatusBadRequest, 50035, "Interaction response type is not valid for this interaction")
		}
		if typ == cbUpdateMessage {
			if resp, ok := validateMessage(data, c.Files, false); !ok {
				return prefixFormError(resp, "data")
			}
		}
		it.originalMessageID = it.componentMsgID
		if m, ok := s.messages[it.componentMsgID]; ok && typ == cbUpdateMessage {
			applyMessageFields(m.obj, data)
			if _, ok := data["attachments"]; ok || len(c.Files) > 0 {
				existing, _ := m.obj["attachments"].([]any)
				m.obj["attachments"] = s.attachmentsLocked(m.channelID, data, c.Files, existing)
			}
			m.obj["edited_timestamp"] = timestamp(time.Now())
			echo = append(echo, s.echoOf("MESSAGE_UPDATE", m))
		}
	default:
		return formError([]string{"type"}, "BASE_TYPE_CHOICES", "Value must be one of {1, 4, 5, 6, 7, 8, 9, 10, 12}.")
	}
	it.acked = true
	return response{status: http.StatusNoContent, echo: echo}
}

// prefixFormError nests a 50035 error under field (interaction responses
// carry the message under "data").
func prefixFormError(r response, field string) response {
	if m, ok := r.body.(map[string]any); ok {
		if errs, ok := m["errors"]; ok {
			m["errors"] = map[string]any{field: errs}
		}
	}
	return r
}

// interactionMessageLocked creates a message sent through an interaction
// (initial response or follow-up).
func (s *Server) interactionMessageLocked(it *interaction, data map[string]any, files []File) *message {
	m := s.newMessageLocked(it.channelID, data, files, s.botUser())
	appID := it.appID
	if appID == "" {
		appID = s.AppID
	}
	m.obj["application_id"] = appID
	m.obj["webhook_id"] = appID
	if it.typ == 2 {
		m.obj["type"] = 20 // CHAT_INPUT_COMMAND
	}
	meta := map[string]any{"id": it.id, "type": it.typ}
	if it.user != nil {
		meta["user"] = cloneMap(it.user)
	}
	m.obj["interaction_metadata"] = meta
	return m
}

// webhookInteraction finds the interaction behind /webhooks/{app}/{token}.
func (s *Server) webhookInteraction(p []string) (*interaction, response, bool) {
	it := s.interactions[p[1]]
	if it == nil || (it.appID != "" && it.appID != p[0]) {
		return nil, errResp(http.StatusNotFound, 10015, ""), false
	}
	if !it.acked {
		// Follow-ups and edits need the initial response first.
		return nil, errResp(http.StatusNotFound, 10015, ""), false
	}
	return it, response{}, true
}

func (s *Server) webhookMessageLocked(it *interaction, mid string) (*message, response, bool) {
	if mid == "@original" {
		mid = it.originalMessageID
	}
	m, ok := s.messages[mid]
	if mid == "" || !ok || m.deleted {
		return nil, errResp(http.StatusNotFound, 10008, ""), false
	}
	return m, response{}, true
}

func (s *Server) webhookExecute(c *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	if resp, ok := validateMessage(c.Body, c.Files, true); !ok {
		return resp
	}
	m := s.interactionMessageLocked(it, c.Body, c.Files)
	echo := []echoEvent{s.echoOf("MESSAGE_CREATE", m)}
	if c.Query.Get("wait") != "true" {
		return response{status: http.StatusNoContent, echo: echo}
	}
	return response{status: http.StatusOK, body: cloneMap(m.obj), echo: echo}
}

func (s *Server) webhookGetMessage(_ *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	return jsonResp(http.StatusOK, cloneMap(m.obj))
}

func (s *Server) webhookEditMessage(c *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	return s.editMessageLocked(m, c)
}

func (s *Server) webhookDeleteMessage(_ *Call, p []string) response {
	it, resp, ok := s.webhookInteraction(p)
	if !ok {
		return resp
	}
	m, resp, ok := s.webhookMessageLocked(it, p[2])
	if !ok {
		return resp
	}
	m.deleted = true
	return noContent()
}
