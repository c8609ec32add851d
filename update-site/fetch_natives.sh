#!/usr/bin/env bash
# Puts DJL's libtorch natives for every platform the update site serves (beside the build's own, which
# target/lib already has) into target/natives/, from Maven Central; a second run finds them in ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's:.*<djl.pytorch.version>\(.*\)</djl.pytorch.version>.*:\1:p' pom.xml | head -1)
[ -n "$version" ] || { echo "pom.xml has no djl.pytorch.version" >&2; exit 1; }
for classifier in linux-x86_64 linux-aarch64 osx-aarch64 win-x86_64; do
	[ -f "target/lib/pytorch-native-cpu-$version-$classifier.jar" ] && continue
	[ -f "target/natives/pytorch-native-cpu-$version-$classifier.jar" ] && continue
	mvn -q -B dependency:copy -Dartifact="ai.djl.pytorch:pytorch-native-cpu:$version:jar:$classifier" \
		-DoutputDirectory=target/natives
done
