package telegramtest

import (
	"encoding/json"
	"regexp"
	"unicode/utf8"
)

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
