"""Development tools that are not part of the installed package: the build step
(`python -m tools.build`, `./dev build`) and the benchmarks (`python -m tools.bench`,
`./dev bench`). Run from the repository root."""
