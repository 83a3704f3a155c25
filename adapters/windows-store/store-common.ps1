# Shared by the kvcert store scripts, which dot-source it: request and result framing on
# stdin/stdout, store access and the private-key check. Written in Windows PowerShell 5.1 syntax
# so that powershell.exe and pwsh run the same text.
#
# Contract with adapters/windows-store/powershell-runner.ts: one JSON object in on stdin, one
# JSON line out on stdout, exit code 0 ok, 1 unexpected, 2 invalid request, 3 import, 4 ACL,
# 5 renewal link, 6 verification after install, 7 remove.

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

# Imported up front because loading it through command discovery at the first ConvertFrom-Json
# was slower in pwsh 7.6 on Linux: a few tenths of a second per run, measured on a busy 2-core machine.
Import-Module Microsoft.PowerShell.Utility

# Windows PowerShell 5.1 adds a Count property to arrays through type data, so ConvertTo-Json
# writes some arrays as {"value":[...],"Count":n}. Removing it for this process keeps plain arrays.
if ($PSVersionTable.PSVersion.Major -lt 6) {
    Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
}

$script:ExitCode = @{ Ok = 0; Unexpected = 1; InvalidRequest = 2; Import = 3; Acl = 4; Link = 5; Verify = 6; Remove = 7 }

function Test-IsWindows {
    return [Environment]::OSVersion.Platform -eq [PlatformID]::Win32NT
}

# Raises an error that Invoke-StoreRequest turns into the given exit code.
function New-StoreFailure([int]$Code, [string]$Message) {
    $exception = New-Object System.InvalidOperationException($Message)
    $exception.Data['kvcertExitCode'] = $Code
    return $exception
}

function Read-Request {
    $stdin = [Console]::OpenStandardInput()
    $buffer = New-Object System.IO.MemoryStream
    $stdin.CopyTo($buffer)
    $text = [Text.Encoding]::UTF8.GetString($buffer.ToArray())
    if ([string]::IsNullOrWhiteSpace($text)) {
        throw (New-StoreFailure $script:ExitCode.InvalidRequest 'the request on stdin is empty')
    }
    return ($text | ConvertFrom-Json)
}

function Send-Result($Result, [int]$Code) {
    $json = ConvertTo-Json -InputObject $Result -Compress -Depth 6
    $bytes = [Text.Encoding]::UTF8.GetBytes($json + "`n")
    $stdout = [Console]::OpenStandardOutput()
    $stdout.Write($bytes, 0, $bytes.Length)
    $stdout.Flush()
    exit $Code
}

# Runs Handler with the parsed request and writes its hashtable as the result. Errors without
# an exit code of their own get DefaultFailureCode, or 1 when they are not from .NET crypto or IO.
function Invoke-StoreRequest([scriptblock]$Handler, [int]$DefaultFailureCode) {
    try {
        $request = Read-Request
        $result = & $Handler $request
        if ($result -isnot [hashtable]) { throw 'the script produced output besides its result; pipe stray output to Out-Null' }
        $result['ok'] = $true
        Send-Result $result $script:ExitCode.Ok
    }
    catch {
        $exception = $_.Exception.GetBaseException()
        $code = $exception.Data['kvcertExitCode']
        if ($null -eq $code) { $code = Get-FailureCode $exception $DefaultFailureCode }
        Send-Result @{ ok = $false; message = $exception.Message; hresult = $exception.HResult } $code
    }
}

function Get-FailureCode($Exception, [int]$DefaultFailureCode) {
    if ($Exception -is [System.Security.Cryptography.CryptographicException]) { return $DefaultFailureCode }
    if ($Exception -is [System.UnauthorizedAccessException]) { return $DefaultFailureCode }
    if ($Exception -is [System.IO.IOException]) { return $DefaultFailureCode }
    if ($Exception -is [System.ComponentModel.Win32Exception]) { return $DefaultFailureCode }
    return $script:ExitCode.Unexpected
}

function Assert-RequestField($Request, [string[]]$Names) {
    foreach ($name in $Names) {
        $value = $Request.$name
        if ($null -eq $value -or ($value -is [string] -and $value.Length -eq 0)) {
            throw (New-StoreFailure $script:ExitCode.InvalidRequest "the request has no '$name'")
        }
    }
}

# Accepts exactly 'LocalMachine' or 'CurrentUser', as certificateStoreLocation does.
function Get-StoreLocation([string]$Name) {
    if ($Name -ceq 'LocalMachine') { return [System.Security.Cryptography.X509Certificates.StoreLocation]::LocalMachine }
    if ($Name -ceq 'CurrentUser') { return [System.Security.Cryptography.X509Certificates.StoreLocation]::CurrentUser }
    throw (New-StoreFailure $script:ExitCode.InvalidRequest "store location '$Name' is not 'LocalMachine' or 'CurrentUser'")
}

function Assert-Thumbprint([string]$Thumbprint) {
    if ($Thumbprint -notmatch '^[0-9A-Fa-f]{40}$') {
        throw (New-StoreFailure $script:ExitCode.InvalidRequest "thumbprint '$Thumbprint' is not 40 hexadecimal digits")
    }
    return $Thumbprint.ToUpperInvariant()
}

function Open-Store([string]$Name, $Location, [string]$Flags) {
    $store = New-Object System.Security.Cryptography.X509Certificates.X509Store($Name, $Location)
    $store.Open([System.Security.Cryptography.X509Certificates.OpenFlags]$Flags)
    return $store
}

function Find-Certificate($Store, [string]$Thumbprint) {
    $found = $Store.Certificates.Find([System.Security.Cryptography.X509Certificates.X509FindType]::FindByThumbprint, $Thumbprint, $false)
    if ($found.Count -eq 0) { return $null }
    return $found[0]
}

# The provider path of a store entry, e.g. Cert:\LocalMachine\My\<thumbprint>.
function Get-StoreEntryPath([string]$Location, [string]$StoreName, [string]$Thumbprint) {
    return 'Cert:\' + $Location + '\' + $StoreName + '\' + $Thumbprint
}

# Returns $null when the private key opens and signs data that the public key verifies,
# otherwise the reason it does not.
function Get-PrivateKeyProblem($Certificate) {
    if (-not $Certificate.HasPrivateKey) { return 'the certificate has no private key' }
    try {
        $data = [Text.Encoding]::ASCII.GetBytes('kvcert private key check')
        $sha256 = [System.Security.Cryptography.HashAlgorithmName]::SHA256
        $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
        if ($null -ne $rsa) { return Test-RsaKey $Certificate $rsa $data $sha256 }
        $ecdsa = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPrivateKey($Certificate)
        if ($null -ne $ecdsa) { return Test-ECDsaKey $Certificate $ecdsa $data $sha256 }
        return 'the private key is neither RSA nor ECDSA'
    }
    catch {
        return 'the private key cannot be opened: ' + $_.Exception.GetBaseException().Message
    }
}

function Test-RsaKey($Certificate, $PrivateKey, $Data, $HashAlgorithm) {
    $padding = [System.Security.Cryptography.RSASignaturePadding]::Pkcs1
    $signature = $PrivateKey.SignData($Data, $HashAlgorithm, $padding)
    $publicKey = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPublicKey($Certificate)
    if ($publicKey.VerifyData($Data, $signature, $HashAlgorithm, $padding)) { return $null }
    return 'the private key does not match the certificate'
}

function Test-ECDsaKey($Certificate, $PrivateKey, $Data, $HashAlgorithm) {
    $signature = $PrivateKey.SignData($Data, $HashAlgorithm)
    $publicKey = [System.Security.Cryptography.X509Certificates.ECDsaCertificateExtensions]::GetECDsaPublicKey($Certificate)
    if ($publicKey.VerifyData($Data, $signature, $HashAlgorithm)) { return $null }
    return 'the private key does not match the certificate'
}
