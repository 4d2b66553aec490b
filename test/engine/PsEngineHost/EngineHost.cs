// The custom PSHost of PsEngineHost: non-interactive, captures the host UI text (WhatIf lines in particular)
// and answers prompts from a scripted queue. The NuGet engine's default host drops WhatIf text silently and
// turns a prompt into a HostException (engineering-notes §H), which is why this host exists.
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace PsEngineHost
{
    /// <summary>
    /// What a test script can see and steer of the host, from PowerShell:
    /// <code>
    /// [PsEngineHost.HostState]::Reset()                 # forget captured text, prompts and pending answers
    /// [PsEngineHost.HostState]::AddAnswer('No')         # the next prompt gets 'No' (a choice label, without '&amp;')
    /// [PsEngineHost.HostState]::WhatIfLines             # string[]: every "What if: ..." line since Reset
    /// [PsEngineHost.HostState]::Prompts                 # string[]: "caption | message" of every prompt shown
    /// [PsEngineHost.HostState]::HostLines               # string[]: every line written through the host UI
    /// [PsEngineHost.HostState]::PendingAnswers          # int: answers not used yet
    /// [PsEngineHost.HostState]::ProgressRecords         # ProgressRecord[]: progress of the script since Reset
    /// </code>
    /// A prompt with no answer queued fails with a PromptingException, as a non-interactive pwsh would.
    /// </summary>
    public static class HostState
    {
        private static readonly object Gate = new();
        private static readonly Queue<string> AnswerQueue = new();
        private static readonly List<string> WhatIf = new();
        private static readonly List<string> PromptLog = new();
        private static readonly List<string> Lines = new();
        private static readonly List<ProgressRecord> Progress = new();

        /// <summary>When false, host UI text is captured but not echoed to stdout.</summary>
        public static bool Echo { get; set; } = true;

        public static string[] WhatIfLines { get { lock (Gate) { return WhatIf.ToArray(); } } }

        public static string[] Prompts { get { lock (Gate) { return PromptLog.ToArray(); } } }

        public static string[] HostLines { get { lock (Gate) { return Lines.ToArray(); } } }

        public static int PendingAnswers { get { lock (Gate) { return AnswerQueue.Count; } } }

        public static ProgressRecord[] ProgressRecords { get { lock (Gate) { return Progress.ToArray(); } } }

        public static void Reset()
        {
            lock (Gate)
            {
                AnswerQueue.Clear();
                WhatIf.Clear();
                PromptLog.Clear();
                Lines.Clear();
                Progress.Clear();
            }
        }

        internal static void RecordProgress(ProgressRecord record)
        {
            lock (Gate)
            {
                Progress.Add(record);
            }
        }

        public static void AddAnswer(string answer)
        {
            ArgumentNullException.ThrowIfNull(answer);
            lock (Gate)
            {
                AnswerQueue.Enqueue(answer);
            }
        }

        internal static string TakeAnswer(string what)
        {
            lock (Gate)
            {
                PromptLog.Add(what);
                if (AnswerQueue.Count == 0)
                {
                    throw new PromptingException(
                        "PsEngineHost is non-interactive and no scripted answer is queued for: " + what,
                        null,
                        "PsEngineHost.NoScriptedAnswer",
                        ErrorCategory.InvalidOperation);
                }

                return AnswerQueue.Dequeue();
            }
        }

        internal static void RecordLine(string line)
        {
            bool echo;
            lock (Gate)
            {
                Lines.Add(line);
                if (line.StartsWith("What if:", StringComparison.Ordinal))
                {
                    WhatIf.Add(line);
                }

                echo = Echo;
            }

            if (echo)
            {
                Out.Line(line.StartsWith("What if:", StringComparison.Ordinal) ? "WHATIF: " + line : line);
            }
        }
    }

    internal sealed class EngineHost : PSHost
    {
        private readonly EngineHostUI _ui = new();
        private readonly Guid _id = Guid.NewGuid();

        public int? ExitCode { get; private set; }

        public override string Name => "PsEngineHost";

        public override Version Version => new(1, 0);

        public override Guid InstanceId => _id;

        public override PSHostUserInterface UI => _ui;

        public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

        public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

        public override void SetShouldExit(int exitCode) => ExitCode = exitCode;

        public override void EnterNestedPrompt() => throw new NotSupportedException("PsEngineHost has no nested prompt.");

        public override void ExitNestedPrompt() => throw new NotSupportedException("PsEngineHost has no nested prompt.");

        public override void NotifyBeginApplication()
        {
        }

        public override void NotifyEndApplication()
        {
        }
    }

    internal sealed class EngineHostUI : PSHostUserInterface
    {
        private static readonly Regex Ansi = new("\u001b\\[[0-9;?]*[A-Za-z]", RegexOptions.Compiled);
        private readonly StringBuilder _partial = new();
        private readonly EngineRawUI _raw = new();

        public override PSHostRawUserInterface RawUI => _raw;

        public override void Write(string value) => Append(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Append(value);

        public override void WriteLine(string value) => Append(value + "\n");

        // Verbose, warning, debug and progress records also arrive on the PowerShell object's streams, which
        // Program prints; printing them here too would print every record twice.
        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteErrorLine(string value) => Out.Line("ERROR: " + value);

        public override string ReadLine() => HostState.TakeAnswer("ReadLine");

        public override SecureString ReadLineAsSecureString() =>
            throw new PromptingException("PsEngineHost does not read secure strings (non-interactive).");

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            var result = new Dictionary<string, PSObject>();
            foreach (FieldDescription d in descriptions)
            {
                if (d.ParameterTypeFullName == typeof(SecureString).FullName || d.ParameterTypeFullName == typeof(PSCredential).FullName)
                {
                    throw new PromptingException($"PsEngineHost does not prompt for secrets ({d.Name}).");
                }

                result[d.Name] = new PSObject(HostState.TakeAnswer($"{caption} | {message} | {d.Name}"));
            }

            return result;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new PromptingException("PsEngineHost does not prompt for credentials (non-interactive).");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PromptingException("PsEngineHost does not prompt for credentials (non-interactive).");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            var labels = new List<string>();
            foreach (ChoiceDescription c in choices)
            {
                labels.Add(c.Label.Replace("&", string.Empty, StringComparison.Ordinal));
            }

            string answer = HostState.TakeAnswer($"{caption} | {message} | [{string.Join("/", labels)}]");
            for (int i = 0; i < labels.Count; i++)
            {
                if (string.Equals(labels[i], answer, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            // A hot key ("Y", "N", "L" ...) as typed at a console prompt.
            for (int i = 0; i < choices.Count; i++)
            {
                string label = choices[i].Label;
                int amp = label.IndexOf('&', StringComparison.Ordinal);
                if (amp >= 0 && amp + 1 < label.Length &&
                    string.Equals(label[amp + 1].ToString(), answer, StringComparison.OrdinalIgnoreCase))
                {
                    return i;
                }
            }

            throw new PromptingException($"Scripted answer '{answer}' matches none of the choices [{string.Join("/", labels)}].");
        }

        private void Append(string text)
        {
            List<string> complete = new();
            lock (_partial)
            {
                // The formatter emits VT colour sequences whatever $PSStyle.OutputRendering says to a custom host:
                // strip them so captured lines compare as plain text.
                _partial.Append(Ansi.Replace(text, string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal));
                string all = _partial.ToString();
                int nl;
                while ((nl = all.IndexOf('\n', StringComparison.Ordinal)) >= 0)
                {
                    complete.Add(all[..nl]);
                    all = all[(nl + 1)..];
                }

                _partial.Clear().Append(all);
            }

            foreach (string line in complete)
            {
                HostState.RecordLine(line);
            }
        }
    }

    /// <summary>A fixed 120-column buffer so the formatter has a width; no real console behind it.</summary>
    internal sealed class EngineRawUI : PSHostRawUserInterface
    {
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;

        public override Size BufferSize { get; set; } = new(120, 9999);

        public override Coordinates CursorPosition { get; set; }

        public override int CursorSize { get; set; } = 1;

        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;

        public override bool KeyAvailable => false;

        public override Size MaxPhysicalWindowSize => new(120, 50);

        public override Size MaxWindowSize => new(120, 50);

        public override Coordinates WindowPosition { get; set; }

        public override Size WindowSize { get; set; } = new(120, 50);

        public override string WindowTitle { get; set; } = "PsEngineHost";

        public override void FlushInputBuffer()
        {
        }

        public override BufferCell[,] GetBufferContents(Rectangle rectangle) =>
            throw new NotSupportedException("PsEngineHost has no screen buffer.");

        public override KeyInfo ReadKey(ReadKeyOptions options) =>
            throw new PromptingException("PsEngineHost does not read keys (non-interactive).");

        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill)
        {
        }

        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents)
        {
        }

        public override void SetBufferContents(Rectangle rectangle, BufferCell fill)
        {
        }
    }
}
