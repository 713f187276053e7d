// compose-check loads compose files the way `docker compose config` does (the same
// compose-go library, with its schema validation and interpolation) and fails on any error,
// so the deployment files are checked on machines without Docker.
//
//	go run ./tools/compose-check docker-compose.yml deploy/compose.scale.yml
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-check FILE...")
		os.Exit(2)
	}
	failed := false
	for _, file := range os.Args[1:] {
		if err := check(file); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
			failed = true
			continue
		}
		fmt.Printf("%s: valid\n", file)
	}
	if failed {
		os.Exit(1)
	}
}

func check(file string) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	// The required variables (`${NAME:?…}`) get example values, as an operator's .env would.
	env := []string{
		"SESSION_SECRET=" + "0123456789abcdef0123456789abcdef",
		"PUBLIC_URL=https://commons.example.org",
		"SMTP_URL=smtp://relay.example.org:587",
	}
	options, err := cli.NewProjectOptions(
		[]string{abs},
		cli.WithWorkingDirectory(filepath.Dir(abs)),
		cli.WithEnv(env),
		cli.WithName("commons"),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return err
	}
	for _, service := range project.Services {
		for _, volume := range service.Volumes {
			if volume.Type == "bind" {
				if _, err := os.Stat(volume.Source); err != nil {
					return fmt.Errorf("service %s mounts %s, which does not exist", service.Name, volume.Source)
				}
			}
		}
	}
	return nil
}
