import { describe, expect, it } from "vitest";
import { agenda, appendNote, finishQuestion, noteLines, questionState, questionTally, WRAP_UP_SECONDS } from "./cockpit";

describe("the agenda clock", () => {
  it("counts down against the planned length and warns at five minutes", () => {
    expect(agenda(0, 3600)).toEqual({ state: "ok", left: 3600 });
    expect(agenda(3600 - WRAP_UP_SECONDS - 1, 3600).state).toBe("ok");
    expect(agenda(3600 - WRAP_UP_SECONDS, 3600)).toEqual({ state: "soon", left: 300 });
    expect(agenda(3600, 3600)).toEqual({ state: "soon", left: 0 });
    expect(agenda(3661.5, 3600)).toEqual({ state: "over", left: -62 });
  });

  it("has nothing to say without a planned length", () => {
    expect(agenda(120, 0)).toEqual({ state: "none", left: 0 });
  });
});

describe("time-stamped notes", () => {
  it("appends a stamped line, one line per note", () => {
    const one = appendNote("", 65, "Asked about\n caching ");
    expect(one).toBe("[01:05] Asked about caching");
    const two = appendNote(`${one}\n\n`, 3725, "Strong on tradeoffs");
    expect(two).toBe("[01:05] Asked about caching\n[1:02:05] Strong on tradeoffs");
  });

  it("reads stamps back and keeps lines typed without one", () => {
    expect(noteLines("[01:05] Asked about caching\nwritten after the call\n\n[1:02:05] Done")).toEqual([
      { stamp: "01:05", text: "Asked about caching" },
      { stamp: null, text: "written after the call" },
      { stamp: "1:02:05", text: "Done" },
    ]);
  });
});

describe("the question list", () => {
  it("follows a question from open to asked, adding the time spent each time", () => {
    let fields: Record<string, string> = {};
    expect(questionState(fields, "q1", null)).toBe("open");
    expect(questionState(fields, "q1", "q1")).toBe("asking");
    fields = { ...fields, ...finishQuestion(fields, "q1", 95.4) };
    expect(questionState(fields, "q1", null)).toBe("asked");
    expect(fields["question:q1:seconds"]).toBe("95");
    fields = { ...fields, ...finishQuestion(fields, "q1", 30) };
    expect(fields["question:q1:seconds"]).toBe("125");
  });

  it("counts asked, skipped and left", () => {
    const fields = { "question:a": "asked", "question:b": "skipped", "question:x": "asked" };
    expect(questionTally(fields, ["a", "b", "c"])).toEqual({ asked: 1, skipped: 1, left: 1 });
    expect(questionState({ "question:z": "nonsense" }, "z", null)).toBe("open");
  });
});
