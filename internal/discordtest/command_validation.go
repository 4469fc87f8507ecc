package discordtest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
