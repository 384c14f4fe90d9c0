"""The CSS cascade (WeasyPrint's StyleFor.__init__): matched rules and their cascade remembered.

For every element WeasyPrint asks each stylesheet's cssselect2 Matcher which selectors
match (`Matcher.match`: the user agent sheet alone tests about 30 selectors on every
element, most of them `[dir] ...`, `:is(...) ...` and pseudo-elements), then loops over
every declaration of every matched rule, weighing it (origin, importance, layer,
specificity) against the one already kept for that property. A case file repeats the same
few shapes hundreds of times (every `td` of a table, every `p.small`), and the next case
of an export repeats them all again, so this patch remembers both answers:

- Which selectors match is answered once per *chain* of tags and attributes, the few
  selectors that read more (siblings, `:lang`, text) still tested on every element
  (selector_matches).
- The cascade of a list of matched rules is computed once (the stock loop, unchanged) and
  kept under the rules' positions in their sheets; an element with the same rules gets the
  same cascaded dictionaries. WeasyPrint never changes a cascaded dictionary after the
  cascade, it only reads it (ComputedStyle, first-line styles), so elements can share one.
  An element with declarations of its own (a style attribute, `lang`, `id`, presentational
  hints) starts from them, and the remembered result is laid over them by the same rule
  as the stock loop (a later value wins unless its weight is smaller): taking the heaviest,
  last declaration of every property in two steps picks the same one as in one.

Everything else (the order in which cascaded styles are stored, the computed style cache,
the pseudo-elements' pass) is the stock code, but for the anchor: set_computed_styles
reads every new style's anchor (about 1,500 a case file, six pseudo-elements an element),
and when no rule sets it, ComputedStyle.__missing__ stores its initial value, which
`_collect_anchor` stores at once. What is remembered is kept per set of
stylesheets (the user agent sheet and our own CSS live for the whole process) and is
forgotten when it grows past selector_matches.LIMIT chains. The chains and which of their
selectors match are selector_matches' (cssselect2's Matcher, read the same way).
"""

from __future__ import annotations

from math import inf
from typing import Any

from weasyprint.css import (
    ComputedStyle,
    InitialStyle,
    StyleFor,
    declaration_precedence,
    find_style_attributes,
)
from weasyprint.css.computed_values import COMPUTER_FUNCTIONS, PHYSICAL_FUNCTIONS
from weasyprint.css.properties import INHERITED, INITIAL_NOT_COMPUTED, INITIAL_VALUES
from weasyprint.css.validation import preprocess_declarations
from weasyprint.logger import PROGRESS_LOGGER

from .selector_matches import SheetPlan, chain_of, too_many_chains
from .selector_matches import forget as forget_chains

#: ComputedStyle.__missing__ gives a property no rule sets its initial value, as it is,
#: when it is neither inherited, nor computed, nor physical: so for the anchor.
_PLAIN_ANCHOR = not {"anchor"} & (
    INHERITED | set(INITIAL_NOT_COMPUTED) | set(COMPUTER_FUNCTIONS) | set(PHYSICAL_FUNCTIONS)
)

_stock_init = StyleFor.__init__
_stock_call = StyleFor.__call__

_sets: dict[tuple[Any, ...], _SheetSet] = {}


class _SheetSet:
    """What is remembered for one list of (sheet, origin, specificity) and its matchers."""

    def __init__(self, sheets: list[Any]) -> None:
        self.sheets = sheets  # kept alive: the ids in the keys stay theirs
        self.plans = [SheetPlan(sheet.matcher) for sheet, _origin, _specificity in sheets]
        #: the matched rules' orders, sheet by sheet -> (cascaded dicts, selector keys)
        self.cascades: dict[tuple[Any, ...], tuple[list[Any], tuple[Any, ...]]] = {}

    def cascade(self, matches: list[list[Any]]) -> tuple[list[Any], tuple[Any, ...]]:
        """The stock loop over the matched rules' declarations, into fresh dictionaries."""
        styles: dict[Any, dict[str, Any]] = {}
        selectors_keys = []
        for (sheet, origin, sheet_specificity), matched in zip(self.sheets, matches, strict=True):
            for specificity, _order, pseudo_type, (declarations, layer) in matched:
                layer_order = inf if layer is None else sheet.layers.index(layer)
                selectors_keys.append((sheet, specificity, id(declarations), layer_order))
                specificity = sheet_specificity or specificity
                style = styles.setdefault(pseudo_type, {})
                for name, values, importance in declarations:
                    precedence = declaration_precedence(origin, importance)
                    weight = (precedence, layer_order, specificity)
                    old_weight = style.get(name, (None, None))[1]
                    if old_weight is None or old_weight <= weight:
                        style[name] = values, weight
        return list(styles.items()), tuple(selectors_keys)


def _sheet_set(sheets: list[Any]) -> _SheetSet:
    """The remembered matches and cascades for these sheets, made the first time."""
    key = tuple(
        (id(sheet), origin, specificity, sheet.matcher.order, tuple(sheet.layers))
        for sheet, origin, specificity in sheets
    )
    found = _sets.get(key)
    if found is None:
        if len(_sets) >= 8:  # a document's own <style> sheets are new every time
            forget()
        found = _sets[key] = _SheetSet(list(sheets))
    return found


def style_for_init(
    self: Any,
    html: Any,
    sheets: list[Any],
    presentational_hints: bool,
    font_config: Any,
    target_collector: Any,
) -> None:
    """StyleFor.__init__ with the matches and cascades remembered (see the module)."""
    if too_many_chains():
        forget()
    cascaded_styles: dict[tuple[Any, Any], dict[str, Any]] = {}
    computed_styles: dict[tuple[Any, Any], Any] = {}
    self._cascaded_styles = cascaded_styles
    self._computed_styles = computed_styles
    self.initial_page_sizes = {"box": None, "area": None}
    self._sheets = sheets
    self.font_config = font_config

    PROGRESS_LOGGER.info("Step 3 - Applying CSS")
    elements_declarations = _own_declarations(html, presentational_hints, cascaded_styles)
    base_url = html.base_url
    known = _sheet_set(sheets)
    plans = known.plans
    cascades = known.cascades
    chains: dict[Any, int] = {}  # etree element -> its chain, for its children
    computed_cache: dict[Any, Any] = {}
    for element in html.wrapper_element.iter_subtree():
        etree_element = element.etree_element
        parent = element.parent.etree_element if element.parent else None
        parent_id = id(computed_styles[parent, None]) if element.parent else None
        element_declarations = elements_declarations.get(etree_element)
        chain = chains[etree_element] = chain_of(element, chains.get(parent))
        matches = [plan.match(element, chain) for plan in plans]
        signature = tuple([tuple([match[1] for match in matched]) for matched in matches])
        found = cascades.get(signature)
        if found is None:
            found = cascades[signature] = known.cascade(matches)
        styles, selectors_keys = found
        for pseudo_type, remembered in styles:
            own = cascaded_styles.get((etree_element, pseudo_type))
            if own is None:
                cascaded_styles[etree_element, pseudo_type] = remembered
            else:  # declarations of its own first, as in the stock loop
                for name, value in remembered.items():
                    old_weight = own.get(name, (None, None))[1]
                    if old_weight is None or old_weight <= value[1]:
                        own[name] = value

        key = (parent_id, element_declarations, selectors_keys)
        if key in computed_cache:
            computed_styles[etree_element, None] = computed_cache[key]
        else:
            if parent is None:  # the root, first: its root style is the initial values
                root_style = InitialStyle(font_config)
            computed = _computed(self, etree_element, None, parent, root_style, base_url)
            if parent is None:
                root_style = computed
            computed_cache[key] = computed
            _collect_anchor(computed, target_collector)

    # Pseudo-elements inherit from their element, so they come last (as in the stock code).
    # The user agent sheet gives every element six (::marker, ::footnote-call, ...), of
    # which a case file shows a few: a style no rule gives an anchor is made when first
    # asked for (style_for_call) rather than here; one with an anchor is made now, so the
    # target collector meets the anchors in the stock order.
    pending: dict[tuple[Any, Any], dict[str, Any]] = {}
    for (element, pseudo_type), cascaded in cascaded_styles.items():
        if pseudo_type:
            if not target_collector or ("anchor" not in cascaded and _PLAIN_ANCHOR):
                pending[element, pseudo_type] = cascaded
                continue
            computed = _computed(self, element, pseudo_type, element, root_style, base_url)
            _collect_anchor(computed, target_collector)
    self._fast_pending = pending
    self._fast_made = (root_style, base_url, bool(target_collector))
    self._cascaded_styles.clear()


def style_for_call(self: Any, element: Any, pseudo_type: Any = None) -> Any:
    """StyleFor.__call__, a pseudo-element's style made first if style_for_init left it
    for later: the same style the stock code would have made then (its element's style,
    the root style and its cascaded values do not change after the cascade; every value is
    computed when first read either way). The stock __call__ fixes a style's margins and
    paddings only when the style holds a value (a dict that is not empty), which a new style
    does once its anchor is stored, so that is stored here too, as the stock code does."""
    if pseudo_type is not None:
        pending = getattr(self, "_fast_pending", None)
        if pending:
            cascaded = pending.pop((element, pseudo_type), None)
            if cascaded is not None:
                root_style, base_url, collecting = self._fast_made
                computed = _computed(
                    self, element, pseudo_type, element, root_style, base_url, cascaded
                )
                if collecting:  # the anchor the stock code reads and stores on making it
                    computed["anchor"] = INITIAL_VALUES["anchor"]
    return _stock_call(self, element, pseudo_type)


def _collect_anchor(computed: Any, target_collector: Any) -> None:
    """What set_computed_styles does with the anchor: read it (stored on the style), and
    hand it to the target collector. No rule sets it on nearly every style (it comes from
    an id attribute), and then the stock __missing__ stores its initial value, as here."""
    if target_collector:
        if "anchor" in computed.cascaded or not _PLAIN_ANCHOR:
            anchor = computed["anchor"]
        else:
            anchor = computed["anchor"] = INITIAL_VALUES["anchor"]
        if anchor:
            target_collector.collect_anchor(anchor)


def _own_declarations(
    html: Any, presentational_hints: bool, cascaded_styles: dict[tuple[Any, Any], Any]
) -> dict[Any, tuple[Any, ...]]:
    """The elements' own declarations (style attributes, lang, id, hints) cascaded first,
    and returned by element for the computed style cache's key: the stock code."""
    layer_order = inf
    elements_declarations = {}
    for specificity, element, declarations, base_url in find_style_attributes(
        html.etree_element, presentational_hints, html.base_url
    ):
        style = cascaded_styles.setdefault((element, None), {})
        elements_declarations[element] = tuple(declarations)
        for name, values, importance in preprocess_declarations(base_url, declarations):
            precedence = declaration_precedence("author", importance)
            weight = (precedence, layer_order, specificity)
            old_weight = style.get(name, (None, None))[1]
            if old_weight is None or old_weight <= weight:
                style[name] = values, weight
    return elements_declarations


def _computed(
    self: Any,
    element: Any,
    pseudo_type: Any,
    parent: Any,
    root_style: Any,
    base_url: Any,
    cascaded: dict[str, Any] | None = None,
) -> Any:
    """StyleFor.set_computed_styles but the anchor: the element's style, made and stored."""
    parent_style = None if parent is None else self._computed_styles[parent, None]
    if cascaded is None:
        cascaded = self._cascaded_styles.get((element, pseudo_type), {})
    computed = self._computed_styles[element, pseudo_type] = ComputedStyle(
        parent_style,
        cascaded,
        pseudo_type,
        root_style,
        base_url,
        self.font_config,
        self.initial_page_sizes,
    )
    return computed


def forget() -> None:
    """Forget every remembered chain, match and cascade."""
    forget_chains()
    _sets.clear()


def install() -> None:
    """Remember matches and cascades."""
    StyleFor.__init__ = style_for_init
    StyleFor.__call__ = style_for_call


def uninstall() -> None:
    """WeasyPrint's own cascade again, nothing remembered."""
    StyleFor.__init__ = _stock_init
    StyleFor.__call__ = _stock_call
    forget()


def installed() -> bool:
    """True while matches and cascades are remembered."""
    return StyleFor.__init__ is style_for_init and StyleFor.__call__ is style_for_call
