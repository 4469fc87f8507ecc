package discordtest

import (
	"fmt"
	"net/http"
)

// Commands returns the application commands last written with a bulk
// overwrite (PUT /applications/{appID}/commands, or the guild variant when
// guildID is not empty), as the fake answered them (with id, application_id,
// version). The request body itself is in the recorded Call.
func (s *Server) Commands(appID, guildID string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, c := range s.commands[commandsKey(appID, guildID)] {
		out = append(out, cloneMap(c))
	}
	return out
}

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
