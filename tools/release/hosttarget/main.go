// Command hosttarget reads a goreleaser configuration on stdin and prints it with every build's
// platforms narrowed to the one it runs on (GOOS/GOARCH), and nothing else changed. goreleaser's
// `build` has --single-target, its `release` has not (only goreleaser Pro's --split does), and
// every platform of .goreleaser.yml costs CI about 3 CPU-minutes: `make release-snapshot` pipes
// the release configuration through this into `goreleaser release -f -`.
//
// It fails if a build does not make this platform (the release would not have it either), or
// names its platforms in a way it does not know (`targets`).
package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"slices"

	"go.yaml.in/yaml/v3"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "hosttarget:", err)
		os.Exit(1)
	}
}

func run() error {
	var doc yaml.Node
	if err := yaml.NewDecoder(os.Stdin).Decode(&doc); err != nil {
		return fmt.Errorf("reading the configuration: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return errors.New("the configuration is not a YAML mapping")
	}
	_, builds := field(doc.Content[0], "builds")
	if builds == nil || builds.Kind != yaml.SequenceNode || len(builds.Content) == 0 {
		return errors.New("the configuration has no builds")
	}
	for i, build := range builds.Content {
		if build.Kind != yaml.MappingNode {
			return fmt.Errorf("build %d is not a mapping", i)
		}
		name := fmt.Sprint(i)
		if _, id := field(build, "id"); id != nil {
			name = id.Value
		}
		if k, _ := field(build, "targets"); k >= 0 {
			return fmt.Errorf("build %s names its platforms in `targets`, which this does not narrow", name)
		}
		for key, want := range map[string]string{"goos": runtime.GOOS, "goarch": runtime.GOARCH} {
			_, list := field(build, key)
			if list == nil || list.Kind != yaml.SequenceNode {
				return fmt.Errorf("build %s has no %s list", name, key)
			}
			if !slices.ContainsFunc(list.Content, func(n *yaml.Node) bool { return n.Value == want }) {
				return fmt.Errorf("build %s does not make %s/%s: its %s are %s", name, runtime.GOOS, runtime.GOARCH, key, values(list))
			}
			list.Content = []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: want}}
		}
		// The ignore list may name only other platforms; the one left is made, as above.
		if k, ignore := field(build, "ignore"); ignore != nil {
			for _, rule := range ignore.Content {
				_, goos := field(rule, "goos")
				_, goarch := field(rule, "goarch")
				if (goos == nil || goos.Value == runtime.GOOS) && (goarch == nil || goarch.Value == runtime.GOARCH) {
					return fmt.Errorf("build %s ignores %s/%s", name, runtime.GOOS, runtime.GOARCH)
				}
			}
			build.Content = slices.Delete(build.Content, k, k+2)
		}
	}
	enc := yaml.NewEncoder(os.Stdout)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return err
	}
	return enc.Close()
}

// field returns the index of key's node in mapping m and its value node, or -1 and nil.
func field(m *yaml.Node, key string) (int, *yaml.Node) {
	if m.Kind != yaml.MappingNode {
		return -1, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i, m.Content[i+1]
		}
	}
	return -1, nil
}

func values(list *yaml.Node) []string {
	var out []string
	for _, n := range list.Content {
		out = append(out, n.Value)
	}
	return out
}
