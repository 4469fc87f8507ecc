package telegramtest

import (
	"strings"
	"unicode/utf8"
)

// The bot's description and short description, by language_code ("" is the default), as
// Telegram keeps them: what a person sees before pressing Start.

func init() {
	for name, fn := range map[string]builtin{
		"setMyDescription":      setMyDescription,
		"getMyDescription":      getMyDescription,
		"setMyShortDescription": setMyShortDescription,
		"getMyShortDescription": getMyShortDescription,
	} {
		canonicalNames[strings.ToLower(name)] = name
		builtins[strings.ToLower(name)] = fn
	}
}

func setMyDescription(s *Server, c Call) (any, *Fault) {
	d := c.Fields["description"]
	if utf8.RuneCountInString(d) > 512 {
		return nil, badRequest("description is too long")
	}
	s.setDescription("d|"+c.Fields["language_code"], d)
	return true, nil
}

func getMyDescription(s *Server, c Call) (any, *Fault) {
	return map[string]string{"description": s.Description(c.Fields["language_code"])}, nil
}

func setMyShortDescription(s *Server, c Call) (any, *Fault) {
	d := c.Fields["short_description"]
	if utf8.RuneCountInString(d) > 120 {
		return nil, badRequest("short description is too long")
	}
	s.setDescription("s|"+c.Fields["language_code"], d)
	return true, nil
}

func getMyShortDescription(s *Server, c Call) (any, *Fault) {
	return map[string]string{"short_description": s.ShortDescription(c.Fields["language_code"])}, nil
}

func (s *Server) setDescription(key, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.descriptions == nil {
		s.descriptions = map[string]string{}
	}
	if text == "" {
		delete(s.descriptions, key)
		return
	}
	s.descriptions[key] = text
}

// Description is the bot's description for a language code ("" for the default).
func (s *Server) Description(lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.descriptions["d|"+lang]
}

// ShortDescription is the bot's short description for a language code ("" for the default).
func (s *Server) ShortDescription(lang string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.descriptions["s|"+lang]
}
