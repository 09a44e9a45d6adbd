/**
 * Which of the two real shapes of the state-change event to emit. `documented` follows the
 * sample in the EventBridge guide (timestamps as strings of epoch ms, Tags as a map);
 * `registry` follows the schema registry type (numeric timestamps, Tags as [{Key, Value}],
 * VolumeSizeInGb); `mixed` alternates between them, event by event.
 */
export type EventStyle = 'documented' | 'registry' | 'mixed';
