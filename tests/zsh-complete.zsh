# tests/zsh-complete.zsh FPATH_DIR BIN_DIR TMP_DIR LINE: types LINE and a TAB into an interactive zsh (zle, compinit,
# the completion functions of FPATH_DIR, the oomsim of BIN_DIR first in PATH) running in a pseudo-terminal
# (zsh/zpty), and prints the command line as zle has it after the completion. This drives _oomsim as a user's shell
# does, _arguments included, which calling its helper functions by hand (install-tests.sh's zsh_values) cannot.
# Run it under timeout(1): a completion that waits for input never returns.
zmodload zsh/zpty || exit 3
fp=$1 bindir=$2 tmp=$3 line=$4
zpty -b z "env -i HOME=${(q)tmp} TERM=dumb PATH=${(q)bindir}:/usr/bin:/bin zsh -f -i"
zpty -w z "PS1='' RPROMPT=''; fpath=(${(q)fp} \$fpath); autoload -Uz compinit; compinit -u -d ${(q)tmp}/zcompdump"
zpty -w z "zstyle ':completion:*' menu no; setopt no_list_beep no_beep"
# ^X prints the line between markers
zpty -w z "_show_buffer() { print -rn -- \$'\\n<<'\"\$BUFFER\"\$'>>\\n' }; zle -N _show_buffer; bindkey '^X' _show_buffer; print READY"
zpty -r -m z out '*READY*' || exit 4
zpty -w -n z "$line"$'\t\x18'
zpty -r -m z out '*<<*>>*' || exit 5
print -r -- "${${out##*<<}%%>>*}"
zpty -d z
