#!/usr/bin/env bash
# CI's half of a deployment: pin an overlay to the image it just built, commit, push.
#
#   deploy/release/pin-and-push.sh OVERLAY DIGEST [TAG]
#
# Argo CD then syncs the overlay. The commit says [skip ci]: it changes only the
# image reference, which the same pipeline built from the commit before it. A push
# that loses a race with another commit rebases and tries again.
set -euo pipefail

overlay="$1" digest="$2" tag="${3:-}"
remote="${HIREBOT_RELEASE_REMOTE:-origin}"
branch="${HIREBOT_RELEASE_BRANCH:-main}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

git fetch --quiet "$remote" "$branch"
git checkout --quiet -B "$branch" "$remote/$branch"
python3 "$here/pin_image.py" "$overlay" --digest "$digest" ${tag:+--tag "$tag"}
git add "$overlay/kustomization.yaml"
if git diff --cached --quiet; then
    echo "$overlay already names $digest"
    exit 0
fi
name="$(basename "$overlay")"
git -c user.name="${GIT_AUTHOR_NAME:-hirebot CI}" -c user.email="${GIT_AUTHOR_EMAIL:-ci@hirebot.invalid}" \
    commit --quiet -m "$name: ${tag:-main} at ${digest} [skip ci]"
for attempt in 1 2 3 4 5; do
    if git push --quiet "$remote" "HEAD:$branch"; then
        echo "pushed $(git rev-parse --short HEAD): $name names ${tag:+$tag@}$digest"
        exit 0
    fi
    echo "push refused (attempt $attempt); rebasing on $remote/$branch"
    git pull --quiet --rebase "$remote" "$branch"
    sleep "$attempt"
done
echo "could not push the pin to $remote/$branch" >&2
exit 1
