"""The build step: compile the contracts and write every generated file
(`tools.build.artifacts`), with the ABI output names (`abi_names`), the
interfaces' non-ABI files (`interface_files`) and the TypeScript package's
sources (`ts_package`)."""
