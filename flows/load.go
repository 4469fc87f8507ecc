package flows

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Loading a library: the embedded YAML files, then an operator's directory over them, each
// problem named by file and line.

//go:embed library/*.yaml
var embedded embed.FS

// file is the shape of one YAML file of the library. Any of its parts may be present.
type file struct {
	Languages map[string]string            `yaml:"languages"`
	Strings   map[string]map[string]string `yaml:"strings"`
	Flows     []*Flow                      `yaml:"flows"`
	Topics    map[string]map[string]string `yaml:"topics"`
	Prompts   []*Prompt                    `yaml:"prompts"`
}

// Load reads the embedded library and then, when dir is not empty, every *.yaml file in dir:
// a flow with the id of an embedded one replaces it, a string with the key of an embedded one
// replaces it, and new ones are added. Any problem is returned as Problems naming file and line.
func Load(dir string) (*Library, error) {
	sub, err := fs.Sub(embedded, "library")
	if err != nil {
		return nil, err
	}
	sources := []source{{fsys: sub, label: "embedded:"}}
	if dir != "" {
		info, err := os.Stat(dir)
		if err != nil {
			return nil, fmt.Errorf("flows directory: %w", err)
		}
		if !info.IsDir() {
			return nil, fmt.Errorf("flows directory %s: not a directory", dir)
		}
		sources = append(sources, source{fsys: os.DirFS(dir), label: dir + string(os.PathSeparator)})
	}
	return load(sources)
}

// LoadOnly reads just the *.yaml files of dir, without the embedded library; `flows check DIR`
// uses Load, this is for tests of a library in isolation.
func LoadOnly(fsys fs.FS, label string) (*Library, error) {
	return load([]source{{fsys: fsys, label: label}})
}

type source struct {
	fsys  fs.FS
	label string
}

func load(sources []source) (*Library, error) {
	lib := &Library{
		Languages: map[string]string{},
		strings:   map[string]map[string]string{},
		Topics:    map[string]map[string]string{},
		flows:     map[string]*Flow{},
		commands:  map[string]*Flow{},
		prompts:   map[string]*Prompt{},
		byTopic:   map[string][]string{},
	}
	var probs Problems
	for _, src := range sources {
		names, err := fs.Glob(src.fsys, "*.yaml")
		if err != nil {
			return nil, err
		}
		for _, name := range names {
			label := src.label + name
			data, err := fs.ReadFile(src.fsys, name)
			if err != nil {
				probs = append(probs, Problem{File: label, Msg: err.Error()})
				continue
			}
			f, err := parseFile(data)
			if err != nil {
				probs = append(probs, yamlProblem(label, err))
				continue
			}
			for k, v := range f.Languages {
				lib.Languages[k] = v
			}
			for k, v := range f.Strings {
				lib.strings[k] = v
			}
			for k, v := range f.Topics {
				lib.Topics[k] = v
			}
			seen := map[string]bool{} // `prompt "x"`, `flow "y"`: defined in this file
			twice := func(what string, line int) {
				if seen[what] {
					probs = append(probs, Problem{File: label, Line: line, Msg: what + " is defined twice in this file"})
				}
				seen[what] = true
			}
			for _, p := range f.Prompts {
				p.file = label
				twice(fmt.Sprintf("prompt %q", p.ID), p.line)
				if old := lib.prompts[p.ID]; old == nil {
					lib.byTopic[p.Topic] = append(lib.byTopic[p.Topic], p.ID)
				} else if old.Topic != p.Topic {
					lib.byTopic[old.Topic] = slices.DeleteFunc(lib.byTopic[old.Topic], func(id string) bool { return id == p.ID })
					lib.byTopic[p.Topic] = append(lib.byTopic[p.Topic], p.ID)
				}
				lib.prompts[p.ID] = p
			}
			for _, fl := range f.Flows {
				fl.file = label
				twice(fmt.Sprintf("flow %q", fl.ID), fl.line)
				lib.flows[fl.ID] = fl
			}
		}
	}
	probs = append(probs, lib.check()...)
	if len(probs) > 0 {
		return nil, probs
	}
	return lib, nil
}

func parseFile(data []byte) (*file, error) {
	var f file
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		if errors.Is(err, io.EOF) {
			return &f, nil
		}
		return nil, err
	}
	// An empty list item ("- ") decodes as nil: it is an error, not something to skip.
	for _, fl := range f.Flows {
		if fl == nil {
			return nil, errors.New("a flow is empty")
		}
		if slices.Contains(fl.Steps, nil) {
			return nil, fmt.Errorf("flow %s has an empty step", fl.ID)
		}
	}
	if slices.Contains(f.Prompts, nil) {
		return nil, errors.New("a prompt is empty")
	}
	// Lines of flows and steps, for problems found after decoding.
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err == nil && len(root.Content) > 0 {
		flowsNode := mapValue(root.Content[0], "flows")
		if flowsNode != nil {
			for i, fn := range flowsNode.Content {
				if i >= len(f.Flows) {
					break
				}
				f.Flows[i].line = fn.Line
				if stepsNode := mapValue(fn, "steps"); stepsNode != nil {
					for j, sn := range stepsNode.Content {
						if j < len(f.Flows[i].Steps) {
							f.Flows[i].Steps[j].line = sn.Line
						}
					}
				}
			}
		}
	}
	if len(root.Content) > 0 {
		if promptsNode := mapValue(root.Content[0], "prompts"); promptsNode != nil {
			for i, pn := range promptsNode.Content {
				if i < len(f.Prompts) {
					f.Prompts[i].line = pn.Line
				}
			}
		}
	}
	return &f, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

// yamlProblem turns a YAML error ("yaml: line 7: ...") into a Problem with the line.
func yamlProblem(label string, err error) Problem {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscanf(m[1], "%d", &line)
		return Problem{File: label, Line: line, Msg: strings.Replace(msg, m[0], "", 1)}
	}
	return Problem{File: label, Msg: msg}
}
