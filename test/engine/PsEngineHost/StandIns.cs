// Stand-ins for cmdlets that ship in Microsoft.PowerShell.Commands.Utility / .Management, which the NuGet
// engine (System.Management.Automation 7.6.9) lacks (engineering-notes §H). Each is minimal and follows the
// real cmdlet's behaviour for the parameters it declares. The parameter surface is kept to what Windows
// PowerShell 5.1 also has (no -AsHashtable, -AsArray, -NoEnumerate, -AdditionalChildPath, -LeafBase ...),
// so module code leaning on a PowerShell-7-only parameter fails here instead of failing later on 5.1.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Numerics;
using System.Reflection;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace PsEngineHost
{
    internal static class StandIns
    {
        public static void AddTo(InitialSessionState iss)
        {
            iss.Commands.Add(new SessionStateCmdletEntry("ConvertFrom-Json", typeof(ConvertFromJsonStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("ConvertTo-Json", typeof(ConvertToJsonStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Write-Verbose", typeof(WriteVerboseStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Write-Warning", typeof(WriteWarningStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Write-Progress", typeof(WriteProgressStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Join-Path", typeof(JoinPathStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Split-Path", typeof(SplitPathStandIn), null));
            iss.Commands.Add(new SessionStateCmdletEntry("Test-Path", typeof(TestPathStandIn), null));
        }
    }

    /// <summary>
    /// Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.
    /// ConvertFrom-Json as in PowerShell 7: Newtonsoft.Json parse (dates as DateTime, round-trip kind; integers as
    /// Int64 or BigInteger; reals as Double), objects become PSCustomObject, arrays object[]; pipeline strings are
    /// buffered and, when the first is not a complete document, joined with newlines; arrays are enumerated.
    /// </summary>
    [Cmdlet(VerbsData.ConvertFrom, "Json")]
    public sealed class ConvertFromJsonStandIn : PSCmdlet
    {
        private readonly List<string> _buffer = new();

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string InputObject { get; set; } = string.Empty;

        protected override void ProcessRecord() => _buffer.Add(InputObject);

        protected override void EndProcessing()
        {
            if (_buffer.Count == 0)
            {
                return;
            }

            if (_buffer.Count == 1)
            {
                Convert(_buffer[0]);
                return;
            }

            bool first = false;
            try
            {
                first = Convert(_buffer[0]);
            }
            catch (ArgumentException)
            {
                // The first string is not a whole document: treat all input as one document.
            }

            if (first)
            {
                for (int i = 1; i < _buffer.Count; i++)
                {
                    Convert(_buffer[i]);
                }
            }
            else
            {
                Convert(string.Join(Environment.NewLine, _buffer));
            }
        }

        private bool Convert(string input)
        {
            object? result;
            try
            {
                object? token = JsonConvert.DeserializeObject(input, new JsonSerializerSettings
                {
                    DateParseHandling = DateParseHandling.DateTime,
                    DateTimeZoneHandling = DateTimeZoneHandling.RoundtripKind,
                    TypeNameHandling = TypeNameHandling.None,
                    MetadataPropertyHandling = MetadataPropertyHandling.Ignore,
                    MaxDepth = 1024,
                });
                result = FromToken(token);
            }
            catch (JsonException je)
            {
                throw new ArgumentException("Conversion from JSON failed with error: " + je.Message, je);
            }
            catch (InvalidOperationException ioe)
            {
                ThrowTerminatingError(new ErrorRecord(ioe, "DuplicateKeysInJsonString", ErrorCategory.InvalidOperation, null));
                return false;
            }

            WriteObject(result, true);
            return result != null;
        }

        private static object? FromToken(object? token)
        {
            switch (token)
            {
                case JObject obj:
                    var pso = new PSObject();
                    var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                    foreach (KeyValuePair<string, JToken?> p in obj)
                    {
                        if (string.IsNullOrEmpty(p.Key))
                        {
                            throw new InvalidOperationException("The provided JSON includes a property whose name is an empty string.");
                        }

                        if (!seen.Add(p.Key))
                        {
                            throw new InvalidOperationException($"Cannot convert the JSON string because it contains keys with different casing: '{p.Key}'.");
                        }

                        pso.Properties.Add(new PSNoteProperty(p.Key, FromToken(p.Value)));
                    }

                    return pso;
                case JArray arr:
                    var items = new List<object?>(arr.Count);
                    foreach (JToken t in arr)
                    {
                        if (t.Type != JTokenType.Comment)
                        {
                            items.Add(FromToken(t));
                        }
                    }

                    return items.ToArray();
                case JValue v:
                    return v.Value;
                default:
                    return token;
            }
        }
    }

    /// <summary>
    /// Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.
    /// ConvertTo-Json as in PowerShell 7 (Newtonsoft serializer, indented unless -Compress, default -Depth 2, deeper
    /// objects become their string form with one warning); several pipeline objects become one JSON array.
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "Json")]
    [OutputType(typeof(string))]
    public sealed class ConvertToJsonStandIn : PSCmdlet
    {
        private readonly List<object?> _inputs = new();
        private bool _warned;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowNull]
        public object? InputObject { get; set; }

        [Parameter]
        [ValidateRange(0, 100)]
        public int Depth { get; set; } = 2;

        [Parameter]
        public SwitchParameter Compress { get; set; }

        protected override void ProcessRecord() => _inputs.Add(InputObject);

        protected override void EndProcessing()
        {
            if (_inputs.Count == 0)
            {
                return;
            }

            object? root = _inputs.Count > 1 ? _inputs.ToArray() : _inputs[0];
            object? prepared = Process(root, 0);
            var settings = new JsonSerializerSettings
            {
                TypeNameHandling = TypeNameHandling.None,
                MaxDepth = 1024,
                Formatting = Compress ? Formatting.None : Formatting.Indented,
            };
            WriteObject(JsonConvert.SerializeObject(prepared, settings));
        }

        private object? Process(object? value, int depth)
        {
            if (value == null || ReferenceEquals(value, System.Management.Automation.Internal.AutomationNull.Value))
            {
                return null;
            }

            PSObject? pso = value as PSObject;
            object obj = pso != null ? pso.BaseObject : value!;

            if (obj == DBNull.Value || obj == System.Management.Automation.Language.NullString.Value)
            {
                return null;
            }

            if (obj is string || obj is char || obj is bool || obj is DateTime || obj is DateTimeOffset || obj is Guid ||
                obj is Uri || obj is double || obj is float || obj is decimal || obj is BigInteger)
            {
                return obj;
            }

            Type t = obj.GetType();
            if (t.IsPrimitive)
            {
                return obj;
            }

            if (t.IsEnum)
            {
                Type u = Enum.GetUnderlyingType(t);
                return u == typeof(long) || u == typeof(ulong) ? obj.ToString() : System.Convert.ChangeType(obj, u, CultureInfo.InvariantCulture);
            }

            if (depth > Depth)
            {
                if (!_warned)
                {
                    _warned = true;
                    WriteWarning($"Resulting JSON is truncated as serialization has exceeded the set depth of {Depth}.");
                }

                object source = pso != null && pso.BaseObject is PSCustomObject ? pso : obj;
                return LanguagePrimitives.ConvertTo(source, typeof(string), CultureInfo.InvariantCulture);
            }

            if (obj is IDictionary dict)
            {
                var result = new Dictionary<string, object?>(dict.Count);
                foreach (DictionaryEntry e in dict)
                {
                    if (e.Key is not string key)
                    {
                        ThrowTerminatingError(new ErrorRecord(
                            new InvalidOperationException($"The type '{dict.GetType().FullName}' is not supported for serialization or deserialization of a dictionary. Keys must be strings."),
                            "NonStringKeyInDictionary", ErrorCategory.InvalidOperation, dict));
                        return null;
                    }

                    result.Add(key, Process(e.Value, depth + 1));
                }

                return AddExtendedProperties(pso, result, depth);
            }

            if (obj is IEnumerable list)
            {
                var result = new List<object?>();
                foreach (object? o in list)
                {
                    result.Add(Process(o, depth + 1));
                }

                return result;
            }

            // A custom object: PSCustomObject note properties, or a .NET object's public properties; a property
            // whose getter throws is written as null.
            var props = new Dictionary<string, object?>();
            PSObject wrapped = pso ?? PSObject.AsPSObject(obj);
            foreach (PSPropertyInfo p in wrapped.Properties)
            {
                if (!p.IsGettable || props.ContainsKey(p.Name))
                {
                    continue;
                }

                object? v;
                try
                {
                    v = p.Value;
                }
                catch (Exception)
                {
                    v = null;
                }

                props[p.Name] = Process(v, depth + 1);
            }

            return props;
        }

        private Dictionary<string, object?> AddExtendedProperties(PSObject? pso, Dictionary<string, object?> receiver, int depth)
        {
            if (pso == null)
            {
                return receiver;
            }

            foreach (PSPropertyInfo p in pso.Properties)
            {
                if (p.MemberType is PSMemberTypes.NoteProperty or PSMemberTypes.ScriptProperty or PSMemberTypes.AliasProperty
                    && !receiver.ContainsKey(p.Name))
                {
                    object? v;
                    try
                    {
                        v = p.Value;
                    }
                    catch (Exception)
                    {
                        v = null;
                    }

                    receiver[p.Name] = Process(v, depth + 1);
                }
            }

            return receiver;
        }
    }

    /// <summary>Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.</summary>
    [Cmdlet(VerbsCommunications.Write, "Verbose")]
    public sealed class WriteVerboseStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [Alias("Msg")]
        public string Message { get; set; } = string.Empty;

        protected override void ProcessRecord() => WriteVerbose(Message);
    }

    /// <summary>Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.</summary>
    [Cmdlet(VerbsCommunications.Write, "Warning")]
    public sealed class WriteWarningStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [Alias("Msg")]
        public string Message { get; set; } = string.Empty;

        protected override void ProcessRecord() => WriteWarning(Message);
    }

    /// <summary>
    /// Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.
    /// -Activity is mandatory as in Windows PowerShell 5.1 (PowerShell 7 lets -Completed go without it).
    /// </summary>
    [Cmdlet(VerbsCommunications.Write, "Progress")]
    public sealed class WriteProgressStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0)]
        public string Activity { get; set; } = string.Empty;

        [Parameter(Position = 1)]
        [ValidateNotNullOrEmpty]
        public string Status { get; set; } = "Processing";

        [Parameter(Position = 2)]
        [ValidateRange(0, int.MaxValue)]
        public int Id { get; set; }

        [Parameter]
        [ValidateRange(-1, 100)]
        public int PercentComplete { get; set; } = -1;

        [Parameter]
        public int SecondsRemaining { get; set; } = -1;

        [Parameter]
        public string? CurrentOperation { get; set; }

        [Parameter]
        [ValidateRange(-1, int.MaxValue)]
        public int ParentId { get; set; } = -1;

        [Parameter]
        public SwitchParameter Completed { get; set; }

        [Parameter]
        public int SourceId { get; set; }

        protected override void ProcessRecord()
        {
            var record = new ProgressRecord(Id, Activity, Status)
            {
                ParentActivityId = ParentId,
                PercentComplete = PercentComplete,
                SecondsRemaining = SecondsRemaining,
                CurrentOperation = CurrentOperation,
                RecordType = Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
            // The public Cmdlet API has no WriteProgress(sourceId, record); -SourceId is accepted and ignored.
            WriteProgress(record);
        }
    }

    /// <summary>Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.</summary>
    [Cmdlet(VerbsCommon.Join, "Path")]
    [OutputType(typeof(string))]
    public sealed class JoinPathStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyString]
        public string? ChildPath { get; set; }

        [Parameter]
        public SwitchParameter Resolve { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string p in Path)
            {
                string joined = SessionState.Path.Combine(p, ChildPath ?? string.Empty);
                if (!Resolve)
                {
                    WriteObject(joined);
                    continue;
                }

                try
                {
                    foreach (PathInfo info in SessionState.Path.GetResolvedPSPathFromPSPath(joined))
                    {
                        WriteObject(info.Path);
                    }
                }
                catch (ItemNotFoundException e)
                {
                    WriteError(new ErrorRecord(e, "JoinPathResolvePathError", ErrorCategory.ObjectNotFound, joined));
                }
            }
        }
    }

    /// <summary>
    /// Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.
    /// Only -Parent (the default) and -Leaf.
    /// </summary>
    [Cmdlet(VerbsCommon.Split, "Path", DefaultParameterSetName = "ParentSet")]
    [OutputType(typeof(string))]
    public sealed class SplitPathStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        public string[] Path { get; set; } = Array.Empty<string>();

        [Parameter(ParameterSetName = "ParentSet")]
        public SwitchParameter Parent { get; set; }

        [Parameter(Mandatory = true, ParameterSetName = "LeafSet")]
        public SwitchParameter Leaf { get; set; }

        protected override void ProcessRecord()
        {
            foreach (string p in Path)
            {
                WriteObject(Leaf ? SessionState.Path.ParseChildName(p) : SessionState.Path.ParseParent(p, string.Empty));
            }
        }
    }

    /// <summary>Path types of the Test-Path stand-in (Microsoft.PowerShell.Commands.TestPathType in the real one).</summary>
    public enum TestPathType
    {
        Any,
        Container,
        Leaf,
    }

    /// <summary>
    /// Stand-in for the Utility/Management cmdlet of the same name, which the NuGet engine lacks.
    /// -Path (wildcards) / -LiteralPath and -PathType, for the FileSystem provider.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "Path", DefaultParameterSetName = "Path")]
    [OutputType(typeof(bool))]
    public sealed class TestPathStandIn : PSCmdlet
    {
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path", ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowNull]
        [AllowEmptyCollection]
        [AllowEmptyString]
        public string?[] Path { get; set; } = Array.Empty<string>();

        [Parameter(Mandatory = true, ParameterSetName = "LiteralPath", ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        public string[] LiteralPath { get; set; } = Array.Empty<string>();

        [Parameter]
        [Alias("Type")]
        public TestPathType PathType { get; set; } = TestPathType.Any;

        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == "LiteralPath";
            foreach (string? p in literal ? LiteralPath : Path)
            {
                WriteObject(!string.IsNullOrWhiteSpace(p) && Test(p!, literal));
            }
        }

        private bool Test(string path, bool literal)
        {
            var providerPaths = new List<string>();
            try
            {
                if (literal)
                {
                    providerPaths.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path));
                }
                else
                {
                    providerPaths.AddRange(SessionState.Path.GetResolvedProviderPathFromPSPath(path, out ProviderInfo provider));
                    if (provider.Name != "FileSystem")
                    {
                        throw new PSNotSupportedException("The Test-Path stand-in supports the FileSystem provider only.");
                    }
                }
            }
            catch (ItemNotFoundException)
            {
                return false;
            }
            catch (System.Management.Automation.DriveNotFoundException)
            {
                return false;
            }

            foreach (string pp in providerPaths)
            {
                bool isDir = Directory.Exists(pp);
                bool isFile = File.Exists(pp);
                bool ok = PathType switch
                {
                    TestPathType.Container => isDir,
                    TestPathType.Leaf => isFile,
                    _ => isDir || isFile,
                };
                if (ok)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
