// compose-check validates a compose file the way Docker Compose v2 loads it (compose-go, the library
// behind `docker compose config`): schema, interpolation, merges, and references between services,
// once with no profile, once per profile and once with every profile (`--profile '*'`), since a
// service's depends_on may name a service that only some profiles enable.
//
//	compose-check [-json] FILE
//
// Prints one line per profile set; -json prints instead the project with every profile enabled.
// Exits 1 on the first invalid set.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func load(file string, profiles []string) (*types.Project, error) {
	// The harness runs `docker compose -p storebench`; the name only matters for derived names.
	options, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithDotEnv, cli.WithName("storebench"), cli.WithProfiles(profiles))
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

func main() {
	asJSON := flag.Bool("json", false, "print the project with every profile enabled, as JSON")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: compose-check [-json] FILE")
		os.Exit(2)
	}
	file := flag.Arg(0)

	all, err := load(file, []string{"*"})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s (every profile): %v\n", file, err)
		os.Exit(1)
	}
	if *asJSON {
		out, err := json.MarshalIndent(all, "", "  ")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Println(string(out))
		return
	}

	seen := map[string]bool{}
	for _, service := range all.Services {
		for _, profile := range service.Profiles {
			seen[profile] = true
		}
	}
	sets := [][]string{{}}
	for profile := range seen {
		sets = append(sets, []string{profile})
	}
	sort.Slice(sets, func(i, j int) bool { return strings.Join(sets[i], ",") < strings.Join(sets[j], ",") })
	sets = append(sets, []string{"*"})

	for _, set := range sets {
		label := "profiles=" + strings.Join(set, ",")
		if len(set) == 0 {
			label = "profiles=(none)"
		}
		project, err := load(file, set)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s %s: %v\n", file, label, err)
			os.Exit(1)
		}
		names := project.ServiceNames()
		sort.Strings(names)
		fmt.Printf("ok %s services=%d: %s\n", label, len(names), strings.Join(names, " "))
	}
}
