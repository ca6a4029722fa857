import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { PolicyParseError, PolicyParseIssue } from './policy-parse.error';
import { ParsedPolicy, ParseWarning, PolicyClause } from './policy.types';

/**
 * Turns the operator's published privacy policy (Markdown, Chinese) into citable clauses with
 * the stable ids of clauses.md.
 *
 * The parser follows the document's *shape*, not its line numbers, so that a later version of the
 * same document parses too:
 *  - text before the first numbered section is the `preamble`;
 *  - `N. 标题` starts section `N`; `(a)` items are `N.a`; the lead-in `您了解并同意，以下…不适用…`
 *    is `N.excl` and the items after it are `N.excl.a`, …;
 *  - a `###` heading starts a part (the facial-information part is `face`), a bold line inside it a
 *    sub-section (`face.collect`, …), `1、` items are `face.collect.1`, `（1）` sub-items are
 *    `face.share.1.1`, and the items after the lead-in `您理解并同意：` are `face.collect.ack.1`, ….
 *
 * Part and sub-section ids are semantic names that no text can be numbered into, so they are the
 * one thing kept as a table (PART_DEFINITIONS), matched by keyword.
 *
 * Known defects of the published text are repaired and reported as warnings (see ParseWarning);
 * anything that cannot be placed is a PolicyParseError listing every problem with its line.
 */
export interface ParsePolicyOptions {
  /** Fills the blanks the published text leaves where the operator's name belongs. */
  operatorName: string;
}

export function parsePolicyMarkdown(markdown: string, opts: ParsePolicyOptions): ParsedPolicy {
  return new PolicyMarkdownParser(markdown, opts.operatorName).parse();
}

interface SubsectionDefinition {
  keyword: string;
  id: string;
}

interface PartDefinition {
  keyword: string;
  id: string;
  subsections: SubsectionDefinition[];
}

// Matched in order, first hit wins; the part heading itself names all five topics, which is why
// sub-sections are only ever matched against bold sub-headings.
const PART_DEFINITIONS: readonly PartDefinition[] = [
  {
    keyword: '面部信息',
    id: 'face',
    subsections: [
      { keyword: '采集', id: 'collect' },
      { keyword: '使用', id: 'use' },
      { keyword: '转让', id: 'transfer' },
      { keyword: '共享', id: 'share' },
      { keyword: '保留', id: 'retain' },
    ],
  },
];

const FRONT_MATTER_FENCE = '---';
const PART_HEADING = /^#{1,6}\s+(\S.*?)(?:\s+#+)?$/;
const BOLD_SUBHEADING = /^\*\*(\S.*?)\*\*$/;
// `(?!\d)` keeps a sentence that opens with a decimal number ("2.5亿…") from passing as a heading.
const SECTION_HEADING = /^(\d+)\.(?!\d)\s*(\S.*)$/;
const LETTERED_ITEM = /^[(（]([a-z])[)）]\s*(.*)$/;
const NUMBERED_ITEM = /^(\d+)、\s*(.*)$/;
const SUB_ITEM = /^[(（](\d+)[)）]\s*(.*)$/;
const EXCLUSION_LEAD_IN = /^您了解并同意，以下.*不适用/;
const ACKNOWLEDGEMENT_LEAD_IN = /^(您理解并同意)[：:]$/;
// The published text leaves the operator's name blank as a run of spaces inside a sentence.
const OPERATOR_NAME_BLANK = /(?<=\S)[ \u3000]{2,}(?=\S)/g;
// A clause that does not end like a sentence was cut off (5.b of version 1 is the known case).
const SENTENCE_END = /[。；;！!？?：:…][”’」』）)]*$/;

interface TextPart {
  line: number;
  text: string;
  /** How this part attaches to the one before: a line break, or nothing when a clause was split. */
  joiner: string;
}

interface ClauseDraft {
  id: string;
  heading?: string;
  headingLines: number[];
  parts: TextPart[];
}

interface ItemList {
  prefix: string;
  /** Ordinal of the last item (a=1, b=2 … or the number), to notice gaps in the numbering. */
  lastOrdinal: number;
  /** The lead-in an acknowledgement list stands under, given to each of its items as heading. */
  heading?: { text: string; line: number };
}

interface SourceLine {
  number: number;
  /** Trimmed: the trailing two spaces of a Markdown line break are layout, not text. */
  text: string;
  raw: string;
}

class PolicyMarkdownParser {
  private readonly issues: PolicyParseIssue[] = [];
  private readonly warnings: ParseWarning[] = [];
  private readonly drafts: ClauseDraft[] = [];
  private readonly firstLineOfId = new Map<string, number>();
  private readonly repairedIds = new Set<string>();

  private part?: PartDefinition;
  /** Set after a heading that could not be recognised: its lines are skipped (one error, not dozens). */
  private skippingUnknownHeading = false;
  private preamble?: ClauseDraft;
  /** The section, part or sub-section the current lines belong to. */
  private container?: ClauseDraft;
  private containerHasItems = false;
  private list?: ItemList;
  private subList?: ItemList;
  /** The clause a line directly below (same Markdown block) continues. */
  private lastClause?: ClauseDraft;
  private previousLineBlank = true;
  private lastSectionNumber = 0;

  constructor(
    private readonly markdown: string,
    private readonly operatorName: string,
  ) {}

  parse(): ParsedPolicy {
    this.requireOperatorName();
    const lines = this.markdown.split(/\r\n|\n|\r/).map((raw, index) => ({ number: index + 1, text: raw.trim(), raw }));
    const { title, bodyStart } = this.readFrontMatter(lines);
    for (const line of lines.slice(bodyStart)) {
      this.readLine(line);
    }
    this.closeList();
    const clauses = this.drafts.map((draft) => this.finishClause(draft));
    this.warnAboutUnterminatedClauses(clauses);
    if (this.issues.length > 0) {
      throw new PolicyParseError('privacy policy', this.issues);
    }
    return { title, sha256: sha256Hex(this.markdown), clauses, warnings: this.sortedWarnings() };
  }

  private requireOperatorName(): void {
    if (this.operatorName.trim() === '') {
      // Filling the blanks with nothing would show users the very gaps the option exists to close.
      throw new PolicyParseError('privacy policy', [{ line: 0, message: 'operatorName must not be empty' }]);
    }
  }

  private readFrontMatter(lines: SourceLine[]): { title: string; bodyStart: number } {
    if (lines[0]?.text !== FRONT_MATTER_FENCE) {
      this.issues.push({ line: 1, message: 'the policy must start with front matter (---) giving its title' });
      return { title: '', bodyStart: 0 };
    }
    const closing = lines.findIndex((line, index) => index > 0 && line.text === FRONT_MATTER_FENCE);
    if (closing < 0) {
      this.issues.push({ line: 1, message: 'the front matter is never closed with ---' });
      return { title: '', bodyStart: lines.length };
    }
    const title = this.readTitle(
      lines
        .slice(1, closing)
        .map((line) => line.raw)
        .join('\n'),
    );
    return { title, bodyStart: closing + 1 };
  }

  private readTitle(frontMatter: string): string {
    let data: unknown;
    try {
      data = parseYaml(frontMatter);
    } catch (error: unknown) {
      this.issues.push({ line: 1, message: `the front matter is not valid YAML: ${describe(error)}` });
      return '';
    }
    const title = isRecord(data) ? data['title'] : undefined;
    if (typeof title !== 'string' || title.trim() === '') {
      this.issues.push({ line: 1, message: 'the front matter has no title' });
      return '';
    }
    return title.trim();
  }

  private readLine(line: SourceLine): void {
    if (line.text === '') {
      this.previousLineBlank = true;
      return;
    }
    const partHeading = PART_HEADING.exec(line.text);
    const part = this.part;
    const subheading = part ? BOLD_SUBHEADING.exec(line.text) : null;
    if (partHeading) {
      this.startPart(partHeading[1], line.number);
    } else if (part && subheading) {
      this.startSubsection(part, subheading[1], line.number);
    } else if (!this.skippingUnknownHeading) {
      if (this.part) {
        this.readPartLine(line);
      } else {
        this.readNumberedLine(line);
      }
    }
    this.previousLineBlank = false;
  }

  /** Lines of the numbered sections (1. … 7.) that open the policy. */
  private readNumberedLine(line: SourceLine): void {
    const section = SECTION_HEADING.exec(line.text);
    const lettered = LETTERED_ITEM.exec(line.text);
    if (section) {
      this.startSection(Number(section[1]), section[2], line.number);
    } else if (lettered) {
      this.startItem(lettered[1], letterOrdinal(lettered[1]), lettered[2], line.number, 'lettered item');
    } else if (EXCLUSION_LEAD_IN.test(line.text)) {
      this.startExclusionList(line);
    } else {
      this.readParagraph(line);
    }
  }

  /** Lines of a `###` part below its bold sub-headings: `1、` / `（1）` items and lead-ins. */
  private readPartLine(line: SourceLine): void {
    const acknowledgement = ACKNOWLEDGEMENT_LEAD_IN.exec(line.text);
    const subItem = SUB_ITEM.exec(line.text);
    const numbered = NUMBERED_ITEM.exec(line.text);
    if (acknowledgement) {
      this.startAcknowledgementList(acknowledgement[1], line.number);
    } else if (subItem) {
      this.startSubItem(Number(subItem[1]), subItem[2], line.number);
    } else if (numbered) {
      this.startItem(numbered[1], Number(numbered[1]), numbered[2], line.number, 'numbered item');
    } else {
      this.readParagraph(line);
    }
  }

  private startSection(number: number, title: string, line: number): void {
    this.closeList();
    this.warnAboutMissingSections(number, line);
    this.lastSectionNumber = Math.max(this.lastSectionNumber, number);
    const section = this.createClause(String(number), line, { text: title, line });
    this.enterContainer(section);
    this.list = { prefix: section.id, lastOrdinal: 0 };
  }

  private warnAboutMissingSections(number: number, line: number): void {
    for (let missing = this.lastSectionNumber + 1; missing < number; missing += 1) {
      this.warnings.push({
        code: 'missing_section',
        line,
        message: `section ${missing} is missing: the numbering jumps from ${this.lastSectionNumber} to ${number}`,
      });
    }
  }

  private startExclusionList(line: SourceLine): void {
    if (!this.container) {
      this.issues.push({ line: line.number, message: 'exclusion list before the first numbered section' });
      return;
    }
    this.closeList();
    const exclusion = this.createClause(`${this.container.id}.excl`, line.number);
    this.appendText(exclusion, line.number, line.text, '\n');
    this.containerHasItems = true;
    this.list = { prefix: exclusion.id, lastOrdinal: 0 };
    this.lastClause = exclusion;
  }

  private startPart(title: string, line: number): void {
    this.closeList();
    const definition = PART_DEFINITIONS.find((candidate) => title.includes(candidate.keyword));
    if (!definition) {
      this.issues.push({ line, message: `unrecognised part heading "${title}"` });
      this.part = undefined;
      this.skippingUnknownHeading = true;
      return;
    }
    this.skippingUnknownHeading = false;
    this.part = definition;
    this.enterContainer(this.createClause(definition.id, line, { text: title, line }));
    // Items directly under a part heading have no id to take: they need a sub-section.
    this.list = undefined;
  }

  private startSubsection(part: PartDefinition, title: string, line: number): void {
    this.closeList();
    const definition = part.subsections.find((candidate) => title.includes(candidate.keyword));
    if (!definition) {
      this.issues.push({ line, message: `unrecognised sub-heading "${title}"` });
      this.skippingUnknownHeading = true;
      return;
    }
    this.skippingUnknownHeading = false;
    const subsection = this.createClause(`${part.id}.${definition.id}`, line, { text: title, line });
    this.enterContainer(subsection);
    this.list = { prefix: subsection.id, lastOrdinal: 0 };
  }

  private startAcknowledgementList(leadIn: string, line: number): void {
    if (!this.container || this.container.id === this.part?.id) {
      this.issues.push({ line, message: 'acknowledgement list outside a sub-section' });
      return;
    }
    this.closeList();
    this.list = { prefix: `${this.container.id}.ack`, lastOrdinal: 0, heading: { text: leadIn, line } };
    this.lastClause = undefined;
  }

  private startItem(label: string, ordinal: number, text: string, line: number, what: string): void {
    const list = this.list;
    if (!list) {
      this.issues.push({ line, message: `${what} ${label} is not inside a section` });
      return;
    }
    this.warnAboutMissingItem(list, ordinal, line);
    list.lastOrdinal = ordinal;
    const item = this.createClause(`${list.prefix}.${label}`, line, list.heading);
    this.appendText(item, line, text, '\n');
    this.containerHasItems = true;
    this.subList = { prefix: item.id, lastOrdinal: 0 };
    this.lastClause = item;
  }

  private startSubItem(number: number, text: string, line: number): void {
    const subList = this.subList;
    if (!subList) {
      this.issues.push({ line, message: `sub-item (${number}) has no numbered item above it` });
      return;
    }
    this.warnAboutMissingItem(subList, number, line);
    subList.lastOrdinal = number;
    const subItem = this.createClause(`${subList.prefix}.${number}`, line);
    this.appendText(subItem, line, text, '\n');
    this.lastClause = subItem;
  }

  private warnAboutMissingItem(list: ItemList, ordinal: number, line: number): void {
    if (ordinal > list.lastOrdinal + 1) {
      this.warnings.push({
        code: 'missing_item',
        line,
        message: `list ${list.prefix} skips from item ${list.lastOrdinal} to item ${ordinal}`,
      });
    }
  }

  /**
   * A line without a marker. In the same Markdown block it continues the clause above it (the
   * facial part breaks long clauses over lines). Starting a block of its own it is the lead text of
   * the current section, unless the section already has items: then it is an orphan.
   */
  private readParagraph(line: SourceLine): void {
    if (!this.previousLineBlank && this.lastClause) {
      this.appendText(this.lastClause, line.number, line.text, '\n');
    } else if (!this.container && !this.part) {
      this.appendToPreamble(line);
    } else if (this.container && !this.containerHasItems) {
      this.appendText(this.container, line.number, line.text, '\n');
      this.lastClause = this.container;
    } else {
      this.joinOrphanParagraph(line);
    }
  }

  private appendToPreamble(line: SourceLine): void {
    this.preamble ??= this.createClause('preamble', line.number);
    this.appendText(this.preamble, line.number, line.text, '\n');
    this.lastClause = this.preamble;
  }

  /**
   * The published version 1 has the second half of 5.b standing after section 7. A paragraph that
   * belongs nowhere is joined to the one clause that stops mid-sentence; with none or several such
   * clauses there is no safe guess and the text is refused.
   */
  private joinOrphanParagraph(line: SourceLine): void {
    const unfinished = this.drafts.filter((draft) => draft.parts.length > 0 && !this.repairedIds.has(draft.id) && !SENTENCE_END.test(composeText(draft)));
    if (unfinished.length !== 1) {
      const candidates = unfinished.map((draft) => draft.id).join(', ');
      this.issues.push({
        line: line.number,
        message:
          unfinished.length === 0
            ? 'paragraph belongs to no clause: it follows the items of its section and no clause is unfinished'
            : `paragraph could continue any of the unfinished clauses ${candidates}`,
      });
      return;
    }
    const [clause] = unfinished;
    this.appendText(clause, line.number, line.text, '');
    this.repairedIds.add(clause.id);
    this.lastClause = clause;
    this.warnings.push({
      code: 'split_clause_joined',
      line: line.number,
      message: `clause ${clause.id} stops mid-sentence at line ${clause.parts[0].line}; ` + `the paragraph at line ${line.number} completes it`,
    });
  }

  private enterContainer(container: ClauseDraft): void {
    this.container = container;
    this.containerHasItems = false;
    this.subList = undefined;
    this.lastClause = container;
  }

  private closeList(): void {
    const list = this.list;
    if (list?.heading && list.lastOrdinal === 0) {
      this.issues.push({ line: list.heading.line, message: `"${list.heading.text}" is followed by no numbered items` });
    }
    this.list = undefined;
  }

  private createClause(id: string, line: number, heading?: { text: string; line: number }): ClauseDraft {
    const draft: ClauseDraft = { id, heading: heading?.text, headingLines: heading ? [heading.line] : [], parts: [] };
    const firstLine = this.firstLineOfId.get(id);
    if (firstLine !== undefined) {
      // The duplicate still collects its lines (so they raise no further errors) but is not kept.
      this.issues.push({ line, message: `duplicate clause id ${id} (first at line ${firstLine})` });
      return draft;
    }
    this.firstLineOfId.set(id, line);
    this.drafts.push(draft);
    return draft;
  }

  private appendText(draft: ClauseDraft, line: number, text: string, joiner: string): void {
    draft.parts.push({ line, text: this.fillOperatorName(draft.id, line, text), joiner });
  }

  private fillOperatorName(clauseId: string, line: number, text: string): string {
    const blanks = text.match(OPERATOR_NAME_BLANK)?.length ?? 0;
    if (blanks === 0) {
      return text;
    }
    this.warnings.push({
      code: 'operator_name_filled',
      line,
      message: `clause ${clauseId}: ${blanks} blank(s) for the operator's name filled with "${this.operatorName}"`,
    });
    return text.replace(OPERATOR_NAME_BLANK, this.operatorName);
  }

  private finishClause(draft: ClauseDraft): PolicyClause {
    const text = composeText(draft);
    const lines = [...new Set([...draft.headingLines, ...draft.parts.map((part) => part.line)])].sort((a, b) => a - b);
    if (text === '') {
      this.issues.push({ line: lines[0] ?? 0, message: `clause ${draft.id} has no text` });
    }
    const clause: PolicyClause = { id: draft.id, text, lines };
    if (draft.heading !== undefined) {
      clause.heading = draft.heading;
    }
    return clause;
  }

  private warnAboutUnterminatedClauses(clauses: PolicyClause[]): void {
    for (const draft of this.drafts) {
      const clause = clauses.find((candidate) => candidate.id === draft.id);
      if (draft.parts.length > 0 && clause && clause.text !== '' && !SENTENCE_END.test(clause.text)) {
        this.warnings.push({
          code: 'unterminated_clause',
          line: clause.lines[clause.lines.length - 1],
          message: `clause ${clause.id} stops mid-sentence and nothing completes it`,
        });
      }
    }
  }

  private sortedWarnings(): ParseWarning[] {
    return [...this.warnings].sort((a, b) => a.line - b.line);
  }
}

/** The clause's own text, or its heading when the heading is all it has (e.g. `1. 适用范围`). */
function composeText(draft: ClauseDraft): string {
  const body = draft.parts.reduce((text, part) => (part.text === '' ? text : text === '' ? part.text : `${text}${part.joiner}${part.text}`), '');
  return body !== '' || draft.parts.length > 0 ? body : (draft.heading ?? '');
}

function letterOrdinal(letter: string): number {
  return letter.charCodeAt(0) - 'a'.charCodeAt(0) + 1;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
