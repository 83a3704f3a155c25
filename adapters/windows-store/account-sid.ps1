# Maps the account names of accessControlList to SIDs for grant-key-access.ps1, which dot-sources
# it after store-common.ps1. Built-in accounts are mapped to their well-known SIDs because Windows
# localizes their names (NT-AUTORITAET\NETZWERKDIENST, spelled with an umlaut, on German systems).

$script:WellKnownSid = @{
    'Network Service'              = 'S-1-5-20'
    'NT AUTHORITY\NETWORK SERVICE' = 'S-1-5-20'
    'Local Service'                = 'S-1-5-19'
    'NT AUTHORITY\LOCAL SERVICE'   = 'S-1-5-19'
    'System'                       = 'S-1-5-18'
    'Local System'                 = 'S-1-5-18'
    'NT AUTHORITY\SYSTEM'          = 'S-1-5-18'
    'Administrators'               = 'S-1-5-32-544'
    'BUILTIN\Administrators'       = 'S-1-5-32-544'
    'IIS_IUSRS'                    = 'S-1-5-32-568'
    'BUILTIN\IIS_IUSRS'            = 'S-1-5-32-568'
}

# Returns the SID string for a well-known account name (case-insensitive) or for a SID given as
# S-1-5-... Windows resolves any other name, such as 'IIS APPPOOL\DefaultAppPool' or 'CONTOSO\svc-web'.
function Resolve-AccountSid([string]$Account) {
    $name = $Account.Trim()
    if ($script:WellKnownSid.ContainsKey($name)) { return $script:WellKnownSid[$name] }
    if ($name -match '^S-1-\d+(-\d+)+$') { return $name.ToUpperInvariant() }
    try {
        $ntAccount = New-Object System.Security.Principal.NTAccount($name)
        return $ntAccount.Translate([System.Security.Principal.SecurityIdentifier]).Value
    }
    catch {
        $reason = $_.Exception.GetBaseException().Message
        throw (New-StoreFailure $script:ExitCode.Acl "account '$Account' was not found: $reason")
    }
}
