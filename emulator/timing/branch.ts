// Branch prediction: a gshare direction predictor (2-bit counters indexed by PC xor global
// history), a set-associative BTB of taken-branch targets, and a return address stack. The
// run loop knows each branch's real outcome after executing it; the predictor says whether the
// front end would have guessed it, and the core charges the profile's penalty when not.

export const enum Prediction {
  /** Direction and target right: no penalty. */
  Correct = 0,
  /** Direction or target wrong: the mispredict penalty. */
  Mispredict = 1,
  /** Taken as predicted, but the target came late (BTB miss on a direct branch): a decode bubble. */
  BtbMiss = 2,
}

export interface BranchStats {
  branches: number;
  conditional: number;
  taken: number;
  mispredicts: number;
  btbMisses: number;
  returns: number;
  returnMispredicts: number;
  indirect: number;
  indirectMispredicts: number;
}

export class BranchPredictor {
  private readonly pht: Uint8Array;
  private readonly phtMask: number;
  private history = 0;
  private readonly historyMask: number;
  private readonly btbTag: Float64Array;
  private readonly btbTargetLo: Uint32Array;
  private readonly btbTargetHi: Uint32Array;
  private readonly btbAge: Float64Array;
  private readonly btbSets: number;
  private readonly btbWays: number;
  private clock = 0;
  private readonly rasLo: Uint32Array;
  private readonly rasHi: Uint32Array;
  private rasTop = 0;
  private rasCount = 0;
  readonly stats: BranchStats = {
    branches: 0, conditional: 0, taken: 0, mispredicts: 0, btbMisses: 0, returns: 0, returnMispredicts: 0, indirect: 0, indirectMispredicts: 0,
  };

  constructor(phtEntries: number, historyBits: number, btbEntries: number, btbWays: number, rasEntries: number) {
    this.pht = new Uint8Array(phtEntries).fill(1);
    this.phtMask = phtEntries - 1;
    this.historyMask = historyBits >= 31 ? 0x7fffffff : (1 << historyBits) - 1;
    this.btbWays = btbWays;
    this.btbSets = btbEntries / btbWays;
    this.btbTag = new Float64Array(btbEntries).fill(-1);
    this.btbTargetLo = new Uint32Array(btbEntries);
    this.btbTargetHi = new Uint32Array(btbEntries);
    this.btbAge = new Float64Array(btbEntries);
    this.rasLo = new Uint32Array(Math.max(1, rasEntries));
    this.rasHi = new Uint32Array(Math.max(1, rasEntries));
  }

  /** A conditional branch at pc went `taken` to target: was it predicted? Updates the tables. */
  conditional(pcLo: number, pcHi: number, taken: boolean, tLo: number, tHi: number): Prediction {
    this.stats.branches++;
    this.stats.conditional++;
    const i = ((pcLo >>> 2) ^ this.history) & this.phtMask;
    const c = this.pht[i];
    const predictTaken = c >= 2;
    this.pht[i] = taken ? (c < 3 ? c + 1 : 3) : c > 0 ? c - 1 : 0;
    this.history = ((this.history << 1) | (taken ? 1 : 0)) & this.historyMask;
    let p = predictTaken === taken ? Prediction.Correct : Prediction.Mispredict;
    if (taken) {
      this.stats.taken++;
      if (!this.btb(pcLo, pcHi, tLo, tHi) && p === Prediction.Correct) p = Prediction.BtbMiss;
    }
    this.count(p);
    return p;
  }

  /** B or BL to a target known at decode: only a BTB miss costs (a redirect from decode). */
  direct(pcLo: number, pcHi: number, tLo: number, tHi: number, call: boolean): Prediction {
    this.stats.branches++;
    this.stats.taken++;
    if (call) this.push(pcLo + 4, pcLo + 4 > 0xffffffff ? pcHi + 1 : pcHi);
    const p = this.btb(pcLo, pcHi, tLo, tHi) ? Prediction.Correct : Prediction.BtbMiss;
    this.count(p);
    return p;
  }

  /** BR/BLR: the BTB predicts the target. */
  indirect(pcLo: number, pcHi: number, tLo: number, tHi: number, call: boolean): Prediction {
    this.stats.branches++;
    this.stats.taken++;
    this.stats.indirect++;
    if (call) this.push(pcLo + 4, pcLo + 4 > 0xffffffff ? pcHi + 1 : pcHi);
    const p = this.btb(pcLo, pcHi, tLo, tHi) ? Prediction.Correct : Prediction.Mispredict;
    if (p !== Prediction.Correct) this.stats.indirectMispredicts++;
    this.count(p);
    return p;
  }

  /** RET: the return stack predicts the target. */
  ret(tLo: number, tHi: number): Prediction {
    this.stats.branches++;
    this.stats.taken++;
    this.stats.returns++;
    let p = Prediction.Mispredict;
    if (this.rasCount > 0) {
      const top = this.rasTop;
      this.rasTop = (top + this.rasLo.length - 1) % this.rasLo.length;
      this.rasCount--;
      if (this.rasLo[top] === tLo >>> 0 && this.rasHi[top] === tHi >>> 0) p = Prediction.Correct;
    }
    if (p !== Prediction.Correct) this.stats.returnMispredicts++;
    this.count(p);
    return p;
  }

  private count(p: Prediction): void {
    if (p === Prediction.Mispredict) this.stats.mispredicts++;
    else if (p === Prediction.BtbMiss) this.stats.btbMisses++;
  }

  private push(lo: number, hi: number): void {
    this.rasTop = (this.rasTop + 1) % this.rasLo.length;
    this.rasLo[this.rasTop] = lo >>> 0;
    this.rasHi[this.rasTop] = hi >>> 0;
    if (this.rasCount < this.rasLo.length) this.rasCount++;
  }

  private btbIndex(pcLo: number): number {
    return ((pcLo >>> 2) % this.btbSets) * this.btbWays;
  }

  /**
   * Looks up the BTB for the taken branch at pc and trains it with the real target (one scan):
   * returns whether it held that target.
   */
  private btb(pcLo: number, pcHi: number, tLo: number, tHi: number): boolean {
    const key = pcHi * 4294967296 + (pcLo >>> 0);
    const base = this.btbIndex(pcLo);
    const tag = this.btbTag;
    let victim = base;
    for (let i = base; i < base + this.btbWays; i++) {
      if (tag[i] === key) {
        this.btbAge[i] = ++this.clock;
        if (this.btbTargetLo[i] === tLo >>> 0 && this.btbTargetHi[i] === tHi >>> 0) return true;
        this.btbTargetLo[i] = tLo >>> 0;
        this.btbTargetHi[i] = tHi >>> 0;
        return false;
      }
      if (this.btbAge[i] < this.btbAge[victim]) victim = i;
    }
    tag[victim] = key;
    this.btbTargetLo[victim] = tLo >>> 0;
    this.btbTargetHi[victim] = tHi >>> 0;
    this.btbAge[victim] = ++this.clock;
    return false;
  }
}
